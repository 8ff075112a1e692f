package service

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"qtrader/go/execution/config"
	sm "qtrader/go/execution/statemachine"
	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/ids"
)

// A small harness like python/tests/services/execution/helpers.py: valid events from a few fields, every output
// checked for its derived envelope fields, a short label for each order id.
var run = ids.RunID("execution-tests")

type harness struct {
	t      *testing.T
	s      *Service
	n      int
	labels map[string]string
}

func newHarness(t *testing.T, configJSON string) *harness {
	t.Helper()
	cfg, err := config.Parse(configJSON)
	if err != nil {
		t.Fatalf("config %s: %v", configJSON, err)
	}
	return &harness{t: t, s: New(cfg, run), labels: map[string]string{}}
}

func (h *harness) id(kind string) string {
	h.n++
	id, _ := ids.UUID5(run, fmt.Sprintf("%s/%d", kind, h.n))
	return id
}

// day is 2024-01-<n> at hour UTC (daily bars close at 21:00 by default).
func day(n int, hour ...int) time.Time {
	hh := 21
	if len(hour) > 0 {
		hh = hour[0]
	}
	return time.Date(2024, 1, n, hh, 0, 0, 0, time.UTC)
}

func (h *harness) env(eventType string, at time.Time) *pb.Envelope {
	return &pb.Envelope{EventId: h.id(eventType), EventType: eventType, SchemaVersion: 1,
		OccurredAt: timestamppb.New(at), SourceService: "test", CorrelationId: run}
}

type barOpt func(*pb.PriceBar)

func vol(v string) barOpt     { return func(b *pb.PriceBar) { b.Volume = v } }
func sym(s string) barOpt     { return func(b *pb.PriceBar) { b.Symbol = s } }
func closeAt(c string) barOpt { return func(b *pb.PriceBar) { b.Close = c } }

func (h *harness) bar(at time.Time, o, hi, lo string, opts ...barOpt) *pb.Envelope {
	b := &pb.PriceBar{Symbol: "GOOG", Timeframe: "1d", Open: o, High: hi, Low: lo, Close: o, Volume: "1000000"}
	for _, opt := range opts {
		opt(b)
	}
	e := h.env("PriceBar", at)
	e.Event = &pb.Envelope_PriceBar{PriceBar: b}
	return e
}

type orderOpt func(*pb.Order)

func str(s string) *string { return &s }

func limit(p string) orderOpt {
	return func(o *pb.Order) { o.OrderType = typeLimit; o.LimitPrice = str(p) }
}
func stop(p string) orderOpt {
	return func(o *pb.Order) { o.OrderType = typeStop; o.StopPrice = str(p) }
}
func sell(o *pb.Order)      { o.Side = pb.Side_SIDE_SELL }
func qty(q string) orderOpt { return func(o *pb.Order) { o.Quantity = q } }
func tif(t pb.TimeInForce) orderOpt {
	return func(o *pb.Order) { o.TimeInForce = t }
}
func oco(g string) orderOpt { return func(o *pb.Order) { o.OcoGroupId = str(g) } }
func parent(id string, role pb.BracketRole) orderOpt {
	return func(o *pb.Order) { o.ParentOrderId = str(id); o.BracketRole = &role }
}

const (
	typeLimit = pb.OrderType_ORDER_TYPE_LIMIT
	typeStop  = pb.OrderType_ORDER_TYPE_STOP
	day_      = pb.TimeInForce_TIME_IN_FORCE_DAY
	ioc       = pb.TimeInForce_TIME_IN_FORCE_IOC
	fok       = pb.TimeInForce_TIME_IN_FORCE_FOK
)

// order is a valid Order: MARKET BUY 100 GOOG GTC unless told otherwise; label names it in brief().
func (h *harness) order(label string, at time.Time, opts ...orderOpt) *pb.Envelope {
	id := h.id("order")
	o := &pb.Order{OrderId: id, IntentId: h.id("signal"), IdempotencyKey: "s1-" + id, StrategyId: "s1",
		Symbol: "GOOG", Side: pb.Side_SIDE_BUY, Quantity: "100", OrderType: pb.OrderType_ORDER_TYPE_MARKET,
		TimeInForce: pb.TimeInForce_TIME_IN_FORCE_GTC}
	for _, opt := range opts {
		opt(o)
	}
	h.labels[id] = label
	e := h.env("Order", at)
	e.Event = &pb.Envelope_Order{Order: o}
	return e
}

func (h *harness) cancel(at time.Time, orderID, reason string) *pb.Envelope {
	e := h.env("CancelOrder", at)
	e.Event = &pb.Envelope_CancelOrder{CancelOrder: &pb.CancelOrder{OrderId: orderID, Reason: reason}}
	return e
}

// send handles one input and checks the envelope of every output against the derivation rules.
func (h *harness) send(in *pb.Envelope) []*pb.Envelope {
	h.t.Helper()
	out, err := h.s.Handle(in)
	if err != nil {
		h.t.Fatalf("handling %s: %v", in.EventType, err)
	}
	fills := 0
	for k, e := range out {
		want, _ := ids.UUID5(in.EventId, fmt.Sprintf("execution/%d", k))
		if e.EventId != want || e.GetCausationId() != in.EventId || e.CorrelationId != in.CorrelationId ||
			e.SourceService != "execution" || !e.OccurredAt.AsTime().Equal(in.OccurredAt.AsTime()) ||
			e.SchemaVersion != 1 {
			h.t.Fatalf("output #%d of %s: envelope not derived from the input: %v", k, in.EventType, e)
		}
		if f := e.GetFill(); f != nil {
			want, _ := ids.UUID5(in.EventId, fmt.Sprintf("execution/fill/%d", fills))
			if f.FillId != want || e.EventType != "Fill" {
				h.t.Fatalf("fill id %s, want %s", f.FillId, want)
			}
			fills++
		} else if e.EventType != "OrderUpdate" {
			h.t.Fatalf("output #%d is a %s", k, e.EventType)
		}
	}
	return out
}

func orderID(e *pb.Envelope) string { return e.GetOrder().OrderId }

// brief is a compact view: "Fill <label> <quantity>@<price>" and "<label> <STATUS>".
func (h *harness) brief(out []*pb.Envelope) string {
	parts := make([]string, 0, len(out))
	for _, e := range out {
		if f := e.GetFill(); f != nil {
			parts = append(parts, fmt.Sprintf("Fill %s %s@%s", h.labels[f.OrderId], f.Quantity, f.Price))
		} else {
			u := e.GetOrderUpdate()
			parts = append(parts, h.labels[u.OrderId]+" "+sm.Name(u.Status))
		}
	}
	return strings.Join(parts, ", ")
}

func (h *harness) expect(out []*pb.Envelope, want string) {
	h.t.Helper()
	if got := h.brief(out); got != want {
		h.t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func fillsOf(out []*pb.Envelope) []*pb.Fill {
	var fs []*pb.Fill
	for _, e := range out {
		if f := e.GetFill(); f != nil {
			fs = append(fs, f)
		}
	}
	return fs
}

func updatesOf(out []*pb.Envelope) []*pb.OrderUpdate {
	var us []*pb.OrderUpdate
	for _, e := range out {
		if u := e.GetOrderUpdate(); u != nil {
			us = append(us, u)
		}
	}
	return us
}

// start: day 2's bar is seen, then an order is received at day 2's close (so it first works on day 3).
func start(t *testing.T, configJSON string, opts ...orderOpt) (*harness, string) {
	h := newHarness(t, configJSON)
	h.send(h.bar(day(2), "100", "101", "99"))
	o := h.order("o", day(2), opts...)
	h.expect(h.send(o), "o NEW, o ACCEPTED")
	return h, orderID(o)
}
