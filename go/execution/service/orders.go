package service

import (
	"fmt"
	"time"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	sm "qtrader/go/execution/statemachine"
	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/pyfmt"
)

// averagePricePlaces is the contracts' limit on fraction digits.
const averagePricePlaces = 12

// calDate is a UTC calendar date.
type calDate struct {
	year  int
	month time.Month
	day   int
}

func dayOf(t time.Time) calDate {
	y, m, d := t.UTC().Date()
	return calDate{y, m, d}
}

func (d calDate) after(o calDate) bool {
	if d.year != o.year {
		return d.year > o.year
	}
	if d.month != o.month {
		return d.month > o.month
	}
	return d.day > o.day
}

func (d calDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.year, int(d.month), d.day) }

// prices are an order's optional price fields, parsed (nil when absent).
type prices struct {
	limit, stop, trailAmount, trailPercent *apd.Decimal
}

// record is the mutable state of one order inside the service (python: OrderRecord).
type record struct {
	order         *pb.Order
	px            prices
	seq           int
	status        sm.Status
	quantity      *apd.Decimal
	sideOK        bool // side, order type and time in force are known values
	typeOK        bool
	tifOK         bool
	eligibleAfter time.Time
	active        bool
	filled        *apd.Decimal
	notional      *apd.Decimal
	fills         int
	started       bool
	startDate     *calDate
	triggered     bool
	stop          *apd.Decimal
	extreme       *apd.Decimal
}

func (r *record) id() string { return r.order.OrderId }

func (r *record) remaining() *apd.Decimal { return arith.Sub(r.quantity, r.filled) }

// averagePrice is the quantity-weighted average fill price, at most 12 places; nil before the first fill.
func (r *record) averagePrice() *apd.Decimal {
	if r.filled.Sign() <= 0 {
		return nil
	}
	return arith.AtMost(arith.Div(r.notional, r.filled), averagePricePlaces)
}

func (r *record) addFill(quantity, price *apd.Decimal) {
	r.filled = arith.Add(r.filled, quantity)
	r.notional = arith.Add(r.notional, arith.Mul(quantity, price))
	r.fills++
}

func (r *record) isStopType() bool {
	switch r.order.OrderType {
	case pb.OrderType_ORDER_TYPE_STOP, pb.OrderType_ORDER_TYPE_STOP_LIMIT, pb.OrderType_ORDER_TYPE_TRAILING_STOP:
		return r.typeOK
	}
	return false
}

// Snapshot is what tests and tools may read about an order (python: OrderSnapshot).
type Snapshot struct {
	OrderID          string
	Symbol           string
	Status           sm.Status
	Quantity         string
	FilledQuantity   string
	RemainingQty     string
	AverageFillPrice string // "" before the first fill
	Working          bool
	Dormant          bool
	Triggered        bool
	StopPrice        string // "" when none
	IdempotencyKey   string
}

func (r *record) snapshot() Snapshot {
	s := Snapshot{OrderID: r.id(), Symbol: r.order.Symbol, Status: r.status, Quantity: arith.Plain(r.quantity),
		FilledQuantity: arith.Plain(r.filled), RemainingQty: arith.Plain(r.remaining()),
		Working:   !sm.IsTerminal(r.status) && r.status != sm.New && r.active,
		Dormant:   !sm.IsTerminal(r.status) && !r.active,
		Triggered: r.triggered, IdempotencyKey: r.order.IdempotencyKey}
	if avg := r.averagePrice(); avg != nil {
		s.AverageFillPrice = arith.Plain(avg)
	}
	if r.stop != nil {
		s.StopPrice = arith.Plain(r.stop)
	}
	return s
}

// Contract names of the enums (Python's str of the StrEnum member).
func sideName(s pb.Side) string       { return trimEnum(s.String(), "SIDE_") }
func typeName(t pb.OrderType) string  { return trimEnum(t.String(), "ORDER_TYPE_") }
func tifName(t pb.TimeInForce) string { return trimEnum(t.String(), "TIME_IN_FORCE_") }

func trimEnum(name, prefix string) string {
	if len(name) > len(prefix) && name[:len(prefix)] == prefix {
		return name[len(prefix):]
	}
	return name
}

var (
	orderTypeNames = "MARKET, LIMIT, STOP, STOP_LIMIT, TRAILING_STOP"
	tifNames       = "DAY, GTC, IOC, FOK"
	priceFields    = []string{"limit_price", "stop_price", "trail_amount", "trail_percent"}
	needs          = map[pb.OrderType][]string{
		pb.OrderType_ORDER_TYPE_MARKET:        nil,
		pb.OrderType_ORDER_TYPE_LIMIT:         {"limit_price"},
		pb.OrderType_ORDER_TYPE_STOP:          {"stop_price"},
		pb.OrderType_ORDER_TYPE_STOP_LIMIT:    {"stop_price", "limit_price"},
		pb.OrderType_ORDER_TYPE_TRAILING_STOP: nil,
	}
	allowed = map[pb.OrderType][]string{
		pb.OrderType_ORDER_TYPE_MARKET:        nil,
		pb.OrderType_ORDER_TYPE_LIMIT:         {"limit_price"},
		pb.OrderType_ORDER_TYPE_STOP:          {"stop_price"},
		pb.OrderType_ORDER_TYPE_STOP_LIMIT:    {"stop_price", "limit_price"},
		pb.OrderType_ORDER_TYPE_TRAILING_STOP: {"stop_price", "trail_amount", "trail_percent"},
	}
)

func (p prices) field(name string) *apd.Decimal {
	switch name {
	case "limit_price":
		return p.limit
	case "stop_price":
		return p.stop
	case "trail_amount":
		return p.trailAmount
	}
	return p.trailPercent
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if n == name {
			return true
		}
	}
	return false
}

// problems lists every reason to reject an order (empty: valid), in the Python service's order and words.
func problems(r *record, symbolKnown bool, parent *record) []string {
	o := r.order
	var found []string
	if !r.sideOK {
		found = append(found, fmt.Sprintf("side must be BUY or SELL, got %s", pyfmt.Repr(sideName(o.Side))))
	}
	if !r.typeOK {
		found = append(found, fmt.Sprintf("order_type must be one of %s, got %s", orderTypeNames,
			pyfmt.Repr(typeName(o.OrderType))))
	}
	if !r.tifOK {
		found = append(found, fmt.Sprintf("time_in_force must be one of %s, got %s", tifNames,
			pyfmt.Repr(tifName(o.TimeInForce))))
	}
	if r.quantity.Sign() <= 0 {
		found = append(found, "quantity must be > 0, got "+arith.Plain(r.quantity))
	}
	for _, name := range priceFields {
		if v := r.px.field(name); v != nil && v.Sign() <= 0 {
			found = append(found, fmt.Sprintf("%s must be > 0, got %s", name, arith.Plain(v)))
		}
	}
	if r.typeOK {
		t := o.OrderType
		for _, name := range needs[t] {
			if r.px.field(name) == nil {
				found = append(found, fmt.Sprintf("%s order requires %s", typeName(t), name))
			}
		}
		for _, name := range priceFields {
			if r.px.field(name) != nil && !contains(allowed[t], name) {
				found = append(found, fmt.Sprintf("%s is not used by %s orders; leave it out", name, typeName(t)))
			}
		}
		if t == pb.OrderType_ORDER_TYPE_TRAILING_STOP {
			amount, percent := r.px.trailAmount, r.px.trailPercent
			switch {
			case amount == nil && percent == nil:
				found = append(found, "TRAILING_STOP order requires trail_amount or trail_percent")
			case amount != nil && percent != nil:
				found = append(found, "TRAILING_STOP order takes trail_amount or trail_percent, not both")
			case percent != nil && percent.Cmp(arith.Hundred) >= 0:
				found = append(found, "trail_percent must be < 100, got "+arith.Plain(percent))
			}
		}
	}
	if !symbolKnown {
		found = append(found, fmt.Sprintf("unknown symbol %s: no bar of it was seen and it is not in execution.symbols",
			pyfmt.Repr(o.Symbol)))
	}
	if o.ParentOrderId != nil {
		found = append(found, bracketProblems(r, parent)...)
	}
	return found
}

func bracketProblems(r *record, parent *record) []string {
	o := r.order
	if parent == nil {
		return []string{fmt.Sprintf("unknown parent order %s: send the entry order before its bracket children",
			o.GetParentOrderId())}
	}
	var found []string
	if parent.order.Symbol != o.Symbol {
		found = append(found, fmt.Sprintf("bracket child trades %s but its parent trades %s", o.Symbol,
			parent.order.Symbol))
	}
	if parent.status != sm.Rejected && r.quantity.Cmp(parent.quantity) > 0 {
		found = append(found, fmt.Sprintf("bracket child quantity %s exceeds its parent's quantity %s",
			arith.Plain(r.quantity), arith.Plain(parent.quantity)))
	}
	return found
}
