package server

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/ids"
)

func bar(id string, day int, open string) *pb.Envelope {
	env := envelope(ids.RunID(id), "PriceBar", time.Date(2024, 1, day, 21, 0, 0, 0, time.UTC))
	env.Event = &pb.Envelope_PriceBar{PriceBar: &pb.PriceBar{Symbol: "GOOG", Timeframe: "1d", Open: open,
		High: "200", Low: "1", Close: open, Volume: "1000"}}
	return env
}

func order(id string, day int) *pb.Envelope {
	env := envelope(ids.RunID(id), "Order", time.Date(2024, 1, day, 21, 0, 0, 0, time.UTC))
	env.Event = &pb.Envelope_Order{Order: &pb.Order{OrderId: ids.RunID(id + "o"), IntentId: ids.RunID(id + "s"),
		IdempotencyKey: id, StrategyId: "s1", Symbol: "GOOG", Side: pb.Side_SIDE_BUY, Quantity: "10",
		OrderType: pb.OrderType_ORDER_TYPE_MARKET, TimeInForce: pb.TimeInForce_TIME_IN_FORCE_GTC}}
	return env
}

// openSession resets (opening a session with the config) and opens its Process stream.
func openSession(t *testing.T, client pb.PipelineServiceClient, config string) (string, pb.PipelineService_ProcessClient) {
	t.Helper()
	reply, err := client.Reset(ctx(t), &pb.ResetRequest{Config: config})
	if err != nil {
		t.Fatal(err)
	}
	stream, err := client.Process(inSession(t, reply.SessionId))
	if err != nil {
		t.Fatal(err)
	}
	return reply.SessionId, stream
}

func exchange(t *testing.T, stream pb.PipelineService_ProcessClient, events ...*pb.Envelope) *pb.FrameResult {
	t.Helper()
	if err := stream.Send(&pb.Frame{Events: events}); err != nil {
		t.Fatal(err)
	}
	result, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	return result
}

// Another client's Reset, and its run, in the middle of a run change nothing in it: the order placed before
// still fills at the next bar with the first session's (default, zero) slippage and commission.
func TestAnotherClientsResetNeverChangesARun(t *testing.T) {
	client := dial(t)
	a, streamA := openSession(t, client, "")
	exchange(t, streamA, bar("a1", 2, "100"), order("a", 2))
	b, streamB := openSession(t, client, `{"slippage": {"model": "fixed_bps", "bps": "100"}}`)
	if b == a {
		t.Fatalf("second session has the first one's id %s", b)
	}
	if got := exchange(t, streamB, bar("b1", 3, "100")); len(got.Batches[0].Events) != 0 {
		t.Fatalf("session B saw session A's order: %v", got)
	}
	result := exchange(t, streamA, bar("a2", 3, "102.50"))
	fill := result.Batches[0].Events[0].GetFill()
	if fill == nil || fill.Price != "102.50" {
		t.Fatalf("fill: %v", result)
	}
}

func TestProcessWithoutASessionIsFailedPrecondition(t *testing.T) {
	client := dial(t)
	for _, c := range []context.Context{ctx(t), inSession(t, "nope")} {
		stream, err := client.Process(c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stream.Recv(); status.Code(err) != codes.FailedPrecondition {
			t.Fatalf("error: %v", err)
		}
	}
	if _, err := client.Describe(inSession(t, "nope"), &pb.DescribeRequest{}); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("describe: %v", err)
	}
}

func TestSessionsAreBoundedAndIdleOnesEnd(t *testing.T) {
	client := dialWith(t, NewWith(Options{MaxSessions: 2, IdleTimeout: 300 * time.Millisecond}))
	var streams []pb.PipelineService_ProcessClient
	for range 2 {
		_, stream := openSession(t, client, "")
		exchange(t, stream, bar("x", 2, "100"))
		streams = append(streams, stream)
	}
	_, err := client.Reset(ctx(t), &pb.ResetRequest{})
	if status.Code(err) != codes.ResourceExhausted || !strings.Contains(err.Error(), "busy") {
		t.Fatalf("third session: %v", err)
	}
	if _, err := client.Describe(ctx(t), &pb.DescribeRequest{}); err != nil {
		t.Fatalf("describe while busy: %v", err)
	}
	time.Sleep(500 * time.Millisecond)
	if _, err := client.Reset(ctx(t), &pb.ResetRequest{}); err != nil { // the idle ones were ended
		t.Fatalf("after idle: %v", err)
	}
	if _, err := streams[0].Recv(); status.Code(err) != codes.Canceled {
		t.Fatalf("idle stream: %v", err)
	}
}

func TestBadConfigsAreInvalidArgumentAndErrorsBounded(t *testing.T) {
	client := dial(t)
	_, err := client.Reset(ctx(t), &pb.ResetRequest{Config: "{" + strings.Repeat(" ", MaxConfigBytes)})
	if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "at most") {
		t.Fatalf("big config: %v", err)
	}
	_, err = client.Reset(ctx(t), &pb.ResetRequest{Config: `{"` + strings.Repeat("k", 100000) + `": 1}`})
	if status.Code(err) != codes.InvalidArgument || len(status.Convert(err).Message()) > MaxErrorChars+100 {
		t.Fatalf("long error: %d %v", len(status.Convert(err).Message()), status.Code(err))
	}
}

func TestTokenIsRequired(t *testing.T) {
	client := dialWith(t, New(), TokenCheck("s3cret")...)
	if _, err := client.Describe(ctx(t), &pb.DescribeRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("no token: %v", err)
	}
	wrong := metadata.AppendToOutgoingContext(ctx(t), TokenKey, "Bearer nope")
	if _, err := client.Describe(wrong, &pb.DescribeRequest{}); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("wrong token: %v", err)
	}
	right := metadata.AppendToOutgoingContext(ctx(t), TokenKey, "Bearer s3cret")
	if _, err := client.Describe(right, &pb.DescribeRequest{}); err != nil {
		t.Fatalf("right token: %v", err)
	}
}

func TestABusyPortIsAnError(t *testing.T) {
	first, err := Listen("127.0.0.1", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	port := first.Addr().(*net.TCPAddr).Port
	if second, err := Listen("127.0.0.1", port); err == nil || !strings.Contains(err.Error(), "in use") {
		if second != nil {
			second.Close()
		}
		t.Fatalf("second listener on a busy port: %v", err)
	}
}
