package server

import (
	"context"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/ids"
)

func dial(t *testing.T) pb.PipelineServiceClient {
	return dialWith(t, New())
}

func dialWith(t *testing.T, s *Server, options ...grpc.ServerOption) pb.PipelineServiceClient {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	g := NewGRPC(s, options...)
	go func() { _ = g.Serve(listener) }()
	t.Cleanup(g.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return listener.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pb.NewPipelineServiceClient(conn)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestDescribe(t *testing.T) {
	info, err := dial(t).Describe(ctx(t), &pb.DescribeRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "execution" || info.Language != "go" || info.Version != Version ||
		len(info.Consumes) != 3 || info.Consumes[0] != "PriceBar" || info.Consumes[1] != "Order" ||
		info.Consumes[2] != "CancelOrder" || len(info.Emits) != 2 || info.Emits[0] != "OrderUpdate" || info.Emits[1] != "Fill" {
		t.Fatalf("describe: %v", info)
	}
}

func TestResetRefusesABadConfig(t *testing.T) {
	client := dial(t)
	_, err := client.Reset(ctx(t), &pb.ResetRequest{Config: `{"slippage": {"model": "fixed_bps"}}`})
	// the Python host's answer: "execution: bad config: " + the ConfigError
	want := "execution: bad config: execution.slippage.bps: is required when model is fixed_bps (slippage model fixed_bps uses bps)"
	if status.Code(err) != codes.InvalidArgument || status.Convert(err).Message() != want {
		t.Fatalf("error: %v", err)
	}
	reply, err := client.Reset(ctx(t), &pb.ResetRequest{Config: `{"participation": "0.5"}`, RunId: ids.RunID("x")})
	if err != nil || reply.Service != "execution" {
		t.Fatalf("reset: %v %v", reply, err)
	}
}

// inSession is a context whose calls name the session.
func inSession(t *testing.T, id string) context.Context {
	return metadata.AppendToOutgoingContext(ctx(t), SessionKey, id)
}

func envelope(id, eventType string, at time.Time) *pb.Envelope {
	return &pb.Envelope{EventId: id, EventType: eventType, SchemaVersion: 1, OccurredAt: timestamppb.New(at),
		SourceService: "test", CorrelationId: ids.RunID("x")}
}

// One Frame of three inputs gives one FrameResult of three batches, in order: the bar (nothing), the order
// (NEW, ACCEPTED), and the next bar (Fill, FILLED).
func TestProcessIsLockstep(t *testing.T) {
	_, stream := openSession(t, dial(t), "")
	d2 := time.Date(2024, 1, 2, 21, 0, 0, 0, time.UTC)
	bar1 := envelope(ids.RunID("bar1"), "PriceBar", d2)
	bar1.Event = &pb.Envelope_PriceBar{PriceBar: &pb.PriceBar{Symbol: "GOOG", Timeframe: "1d", Open: "100",
		High: "101", Low: "99", Close: "100", Volume: "1000"}}
	order := envelope(ids.RunID("order"), "Order", d2)
	order.Event = &pb.Envelope_Order{Order: &pb.Order{OrderId: ids.RunID("o1"), IntentId: ids.RunID("s1"),
		IdempotencyKey: "k1", StrategyId: "s1", Symbol: "GOOG", Side: pb.Side_SIDE_BUY, Quantity: "10",
		OrderType: pb.OrderType_ORDER_TYPE_MARKET, TimeInForce: pb.TimeInForce_TIME_IN_FORCE_GTC}}
	bar2 := envelope(ids.RunID("bar2"), "PriceBar", d2.Add(24*time.Hour))
	bar2.Event = &pb.Envelope_PriceBar{PriceBar: &pb.PriceBar{Symbol: "GOOG", Timeframe: "1d", Open: "102.50",
		High: "103", Low: "101", Close: "102", Volume: "1000"}}
	if err := stream.Send(&pb.Frame{Events: []*pb.Envelope{bar1, order, bar2}}); err != nil {
		t.Fatal(err)
	}
	result, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if len(result.Batches) != 3 || result.Batches[0].InputEventId != bar1.EventId || len(result.Batches[0].Events) != 0 ||
		result.Batches[1].InputEventId != order.EventId || len(result.Batches[1].Events) != 2 ||
		result.Batches[2].InputEventId != bar2.EventId || len(result.Batches[2].Events) != 2 {
		t.Fatalf("result: %v", result)
	}
	fill := result.Batches[2].Events[0].GetFill()
	if fill == nil || fill.Price != "102.50" || fill.Quantity != "10" {
		t.Fatalf("fill: %v", fill)
	}
	// an input that breaks its contract ends the stream with INVALID_ARGUMENT
	bad := envelope("not-a-uuid", "CancelOrder", d2)
	bad.Event = &pb.Envelope_CancelOrder{CancelOrder: &pb.CancelOrder{OrderId: "x", Reason: "r"}}
	if err := stream.Send(&pb.Frame{Events: []*pb.Envelope{bad}}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("error: %v", err)
	}
}
