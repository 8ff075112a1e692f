// Package service is the execution service: it works orders against bars and reports every state change and
// fill, a port of python/src/qtrader/services/execution/service.py rule for rule (docs/execution.md).
//
// Per input:
//   - Order: NEW, then ACCEPTED or REJECTED (with every reason). A repeated idempotency_key changes nothing.
//   - CancelOrder: a working (or dormant) order becomes CANCELED; an unknown or finished order: nothing.
//   - PriceBar: for the working orders of the bar's symbol, first every DAY expiry, then fills in arrival order
//     (members of one OCO group together, stop-loss first). For each fill the Fill comes first, then its
//     OrderUpdate.
//
// Events are derived from the input exactly as services/base.py derives them: the k-th event emitted for input
// X has event_id uuid5(X.event_id, "execution/k"), X's occurred_at and correlation_id, causation_id X.event_id;
// the k-th fill id is uuid5(X.event_id, "execution/fill/k").
package service

import (
	"fmt"
	"sort"
	"time"

	"github.com/cockroachdb/apd/v3"
	"google.golang.org/protobuf/types/known/timestamppb"

	"qtrader/go/execution/arith"
	"qtrader/go/execution/commission"
	"qtrader/go/execution/config"
	"qtrader/go/execution/fillrules"
	"qtrader/go/execution/slippage"
	sm "qtrader/go/execution/statemachine"
	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/ids"
	"qtrader/go/pyfmt"
)

// Name is the service's source_service; Consumes and Emits are what Describe reports.
const Name = "execution"

var (
	Consumes = []string{"PriceBar", "Order", "CancelOrder"}
	Emits    = []string{"OrderUpdate", "Fill"}
)

// Service is the simulated broker: order state machine, fill rules, slippage, commission, participation cap.
// It is not safe for concurrent use; the gRPC layer serialises calls.
type Service struct {
	RunID    string
	cfg      *config.Execution
	slip     *slippage.Model
	known    map[string]bool // nil: a symbol is known once one of its bars was seen
	seen     map[string]bool
	orders   map[string]*record
	keys     map[string]string
	working  map[string]map[string]bool // symbol -> ids of unfinished orders
	children map[string][]string
	oco      map[string][]string
	seq      int

	// the input being handled
	cause      *pb.Envelope
	causeTime  time.Time
	out        []*pb.Envelope
	idCounters map[string]int
	err        error
}

// New returns a service with the given config (nil: defaults).
func New(cfg *config.Execution, runID string) *Service {
	s := &Service{}
	s.Reset(cfg, runID)
	return s
}

// Reset clears all state and applies a config (nil: defaults), as the gRPC Reset does.
func (s *Service) Reset(cfg *config.Execution, runID string) {
	if cfg == nil {
		cfg = config.Default()
	}
	*s = Service{RunID: runID, cfg: cfg, slip: slippage.New(cfg.Slippage), seen: map[string]bool{},
		orders: map[string]*record{}, keys: map[string]string{}, working: map[string]map[string]bool{},
		children: map[string][]string{}, oco: map[string][]string{}}
	if cfg.Symbols != nil {
		s.known = map[string]bool{}
		for _, sym := range cfg.Symbols {
			s.known[sym] = true
		}
	}
}

// Config is the config in force.
func (s *Service) Config() *config.Execution { return s.cfg }

// OrderState is the current state of an order; ok is false if it was never received.
func (s *Service) OrderState(orderID string) (Snapshot, bool) {
	r, ok := s.orders[orderID]
	if !ok {
		return Snapshot{}, false
	}
	return r.snapshot(), true
}

// ResultForKey is the cached result of an idempotency key: the state of the order first sent with it.
func (s *Service) ResultForKey(key string) (Snapshot, bool) {
	id, ok := s.keys[key]
	if !ok {
		return Snapshot{}, false
	}
	return s.OrderState(id)
}

// Handle processes one input event and returns the events emitted in response, in order. An input that breaks
// its contract is a *ContractError; an illegal state transition (a bug) a *statemachine.Error. Events of a type
// the service does not consume give an empty batch.
func (s *Service) Handle(env *pb.Envelope) (out []*pb.Envelope, err error) {
	s.cause, s.out, s.idCounters, s.err = env, nil, map[string]int{}, nil
	defer func() {
		s.cause, s.out = nil, nil
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("execution: internal error handling %s %s: %v", env.EventType, env.EventId, p)
		}
	}()
	switch event := env.Event.(type) {
	case *pb.Envelope_PriceBar:
		b, err := parseBar(env, event.PriceBar)
		if err != nil {
			return nil, err
		}
		s.causeTime = env.OccurredAt.AsTime()
		s.onPriceBar(b)
	case *pb.Envelope_Order:
		quantity, px, err := parseOrder(env, event.Order)
		if err != nil {
			return nil, err
		}
		s.causeTime = env.OccurredAt.AsTime()
		s.onOrder(event.Order, quantity, px)
	case *pb.Envelope_CancelOrder:
		if err := checkCancel(env, event.CancelOrder); err != nil {
			return nil, err
		}
		s.causeTime = env.OccurredAt.AsTime()
		s.onCancelOrder(event.CancelOrder)
	default:
		return nil, nil
	}
	if s.err != nil {
		return nil, s.err
	}
	return s.out, nil
}

// -- handlers ------------------------------------------------------------------------------------------------

func (s *Service) onOrder(o *pb.Order, quantity *apd.Decimal, px prices) {
	if _, repeat := s.keys[o.IdempotencyKey]; repeat {
		return // a repeat: the first order's result stands, nothing is emitted or changed
	}
	if first, used := s.orders[o.OrderId]; used {
		s.err = &ContractError{Message: fmt.Sprintf("Order event %s: field order_id: %s was already used by another order "+
			"(idempotency key %s); order ids must be unique", s.cause.EventId, o.OrderId,
			pyfmt.Repr(first.order.IdempotencyKey))}
		return
	}
	_, typeOK := needs[o.OrderType]
	r := &record{order: o, px: px, seq: s.seq, status: sm.New, quantity: quantity,
		sideOK: o.Side == pb.Side_SIDE_BUY || o.Side == pb.Side_SIDE_SELL, typeOK: typeOK,
		tifOK:         o.TimeInForce >= pb.TimeInForce_TIME_IN_FORCE_DAY && o.TimeInForce <= pb.TimeInForce_TIME_IN_FORCE_FOK,
		eligibleAfter: s.causeTime, active: true, filled: arith.Zero, notional: arith.Zero}
	s.seq++
	s.keys[o.IdempotencyKey] = o.OrderId
	s.orders[o.OrderId] = r
	s.emitUpdate(r, nil, "order received")

	var parent *record
	if o.ParentOrderId != nil {
		parent = s.orders[*o.ParentOrderId]
	}
	if found := problems(r, s.symbolKnown(o.Symbol), parent); len(found) > 0 {
		s.transition(r, sm.Rejected, joinReasons(found))
		return
	}
	s.accept(r, parent)
}

func joinReasons(found []string) string {
	out := found[0]
	for _, f := range found[1:] {
		out += "; " + f
	}
	return out
}

// accept registers a valid order as working (or dormant, for a bracket child whose parent has not filled).
func (s *Service) accept(r *record, parent *record) {
	o := r.order
	if r.isStopType() {
		r.stop = r.px.stop // a TRAILING_STOP without one gets it from its first working bar's open
	}
	if s.working[o.Symbol] == nil {
		s.working[o.Symbol] = map[string]bool{}
	}
	s.working[o.Symbol][o.OrderId] = true
	if o.OcoGroupId != nil {
		s.oco[*o.OcoGroupId] = append(s.oco[*o.OcoGroupId], o.OrderId)
	}
	if parent == nil {
		s.transition(r, sm.Accepted, "order accepted")
		return
	}
	s.children[parent.id()] = append(s.children[parent.id()], o.OrderId)
	switch {
	case parent.status == sm.Filled:
		s.transition(r, sm.Accepted, fmt.Sprintf("bracket child accepted; parent order %s is FILLED", parent.id()))
	case sm.IsTerminal(parent.status):
		s.transition(r, sm.Accepted, "bracket child accepted")
		s.transition(r, sm.Canceled, fmt.Sprintf("parent order %s was %s", parent.id(), sm.Name(parent.status)))
	default:
		r.active = false
		s.transition(r, sm.Accepted,
			fmt.Sprintf("bracket child accepted; dormant until parent order %s is FILLED", parent.id()))
	}
}

func (s *Service) onCancelOrder(c *pb.CancelOrder) {
	r, ok := s.orders[c.OrderId]
	if !ok || sm.IsTerminal(r.status) {
		return // unknown or already finished: nothing to cancel, nothing emitted
	}
	s.transition(r, sm.Canceled, "cancel requested: "+c.Reason)
}

func (s *Service) onPriceBar(b *bar) {
	symbol := b.msg.Symbol
	s.seen[symbol] = true
	ids := s.working[symbol]
	if len(ids) == 0 {
		return
	}
	records := make([]*record, 0, len(ids))
	for id := range ids {
		records = append(records, s.orders[id])
	}
	sort.Slice(records, func(i, j int) bool { return records[i].seq < records[j].seq })
	today := dayOf(s.causeTime)
	for _, r := range records {
		if s.err != nil {
			return
		}
		if r.order.TimeInForce == pb.TimeInForce_TIME_IN_FORCE_DAY && r.startDate != nil && today.after(*r.startDate) &&
			!sm.IsTerminal(r.status) {
			s.transition(r, sm.Expired, fmt.Sprintf("DAY order expired: its trading day %s ended before bar %s",
				r.startDate, isoformat(s.causeTime)))
		}
	}
	prices := fillrules.Bar{Open: b.open, High: b.high, Low: b.low}
	for _, r := range processingOrder(records) {
		if s.err != nil {
			return
		}
		if sm.IsTerminal(r.status) || !r.active || !s.causeTime.After(r.eligibleAfter) {
			continue
		}
		s.work(r, b, prices)
	}
}

// isoformat is Python's datetime.isoformat() of a UTC time: microseconds only when non-zero, "+00:00".
func isoformat(t time.Time) string {
	t = t.UTC()
	text := t.Format("2006-01-02T15:04:05")
	if micro := t.Nanosecond() / 1000; micro != 0 {
		text += fmt.Sprintf(".%06d", micro)
	}
	return text + "+00:00"
}

// processingOrder is arrival order, except that an OCO group is worked as one block at its first unfinished
// member's place, stop-loss first (bracket_role STOP_LOSS, then stop-type orders, then the rest; ties by arrival).
func processingOrder(records []*record) []*record {
	groupFirst := map[string]int{}
	for _, r := range records {
		if g := r.order.OcoGroupId; g != nil && !sm.IsTerminal(r.status) {
			if _, ok := groupFirst[*g]; !ok {
				groupFirst[*g] = r.seq
			}
		}
	}
	type keyed struct {
		k [3]int
		r *record
	}
	list := make([]keyed, len(records))
	for i, r := range records {
		k := [3]int{r.seq, 0, r.seq}
		if g := r.order.OcoGroupId; g != nil {
			if first, ok := groupFirst[*g]; ok {
				rank := 2
				if r.order.BracketRole != nil && *r.order.BracketRole == pb.BracketRole_BRACKET_ROLE_STOP_LOSS {
					rank = 0
				} else if r.isStopType() {
					rank = 1
				}
				k = [3]int{first, rank, r.seq}
			}
		}
		list[i] = keyed{k, r}
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].k, list[j].k
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		if a[1] != b[1] {
			return a[1] < b[1]
		}
		return a[2] < b[2]
	})
	out := make([]*record, len(list))
	for i, k := range list {
		out[i] = k.r
	}
	return out
}

// -- working one order on one bar ------------------------------------------------------------------------------

func (s *Service) work(r *record, b *bar, prices fillrules.Bar) {
	o := r.order
	if !r.started {
		r.started = true
		d := dayOf(s.causeTime)
		r.startDate = &d
		if o.OrderType == pb.OrderType_ORDER_TYPE_TRAILING_STOP && r.stop == nil {
			r.stop = s.trail(r, prices.Open)
		}
	}
	decision, err := fillrules.Evaluate(o.OrderType, o.Side, prices, r.px.limit, r.stop, r.triggered)
	if err != nil {
		s.err = err
		return
	}
	r.triggered = decision.Triggered
	quantity, whyNot := s.fillQuantity(r, b, decision)
	if quantity.Sign() > 0 {
		s.fill(r, b, decision, quantity)
	}
	tif := o.TimeInForce
	if !sm.IsTerminal(r.status) && (tif == pb.TimeInForce_TIME_IN_FORCE_IOC || tif == pb.TimeInForce_TIME_IN_FORCE_FOK) {
		var reason string
		switch {
		case tif == pb.TimeInForce_TIME_IN_FORCE_FOK:
			reason = fmt.Sprintf("FOK: could not fill all %s on its first bar (%s); canceled",
				arith.Plain(r.remaining()), whyNot)
		case r.filled.Sign() > 0:
			reason = fmt.Sprintf("IOC: unfilled remainder %s canceled", arith.Plain(r.remaining()))
		default:
			reason = fmt.Sprintf("IOC: nothing filled on its first bar (%s); canceled", whyNot)
		}
		s.transition(r, sm.Canceled, reason)
	}
	if !sm.IsTerminal(r.status) && o.OrderType == pb.OrderType_ORDER_TYPE_TRAILING_STOP && !r.triggered {
		r.extreme = fillrules.BetterExtreme(o.Side, r.extreme, prices)
		r.stop = fillrules.Ratchet(o.Side, r.stop, s.trail(r, r.extreme))
	}
}

func (s *Service) trail(r *record, extreme *apd.Decimal) *apd.Decimal {
	return fillrules.TrailingLevel(r.order.Side, extreme, r.px.trailAmount, r.px.trailPercent, s.cfg.PriceDecimals)
}

// fillQuantity is how much fills on this bar, and why not more.
func (s *Service) fillQuantity(r *record, b *bar, decision fillrules.Decision) (*apd.Decimal, string) {
	if decision.Price == nil {
		return arith.Zero, decision.Reason
	}
	if decision.Price.Sign() <= 0 {
		return arith.Zero, "no positive fill price on this bar"
	}
	remaining := r.remaining()
	limit := s.cap(b.volume)
	if limit == nil || limit.Cmp(remaining) >= 0 {
		return remaining, ""
	}
	why := fmt.Sprintf("participation cap %s of bar volume %s", arith.Plain(limit), arith.Plain(b.volume))
	if r.order.TimeInForce == pb.TimeInForce_TIME_IN_FORCE_FOK {
		return arith.Zero, why
	}
	return limit, why
}

// cap is floor(participation * volume) in whole units; nil without a participation cap.
func (s *Service) cap(volume *apd.Decimal) *apd.Decimal {
	if s.cfg.Participation == nil {
		return nil
	}
	return arith.Quantize(arith.Mul(s.cfg.Participation, volume), 0, arith.Floor)
}

func (s *Service) fill(r *record, b *bar, decision fillrules.Decision, quantity *apd.Decimal) {
	o := r.order
	bps := s.slip.Bps(quantity, b.volume)
	price, slip := slippage.Apply(o.Side, decision.Price, bps, s.cfg.PriceDecimals)
	fee := commission.Of(s.cfg.Commission, quantity, price, r.fills == 0)
	r.addFill(quantity, price)
	remaining := r.remaining()
	f := &pb.Fill{FillId: s.newID("fill"), OrderId: o.OrderId, IntentId: o.IntentId, StrategyId: o.StrategyId,
		Symbol: o.Symbol, Side: o.Side, Quantity: arith.Contract(quantity), Price: arith.Contract(price),
		Commission: arith.Contract(fee), Slippage: arith.Contract(slip), IsPartial: remaining.Sign() > 0}
	if len(o.LotIds) > 0 {
		f.LotIds = append([]string(nil), o.LotIds...)
	}
	s.emit("Fill").Event = &pb.Envelope_Fill{Fill: f}
	status := sm.PartiallyFilled
	if remaining.IsZero() {
		status = sm.Filled
	}
	s.transition(r, status, fmt.Sprintf("%s; filled %s at %s", decision.Reason, arith.Plain(quantity),
		arith.Plain(price)))
	s.cancelOCOSiblings(r)
}

// cancelOCOSiblings: the first fill (even partial) of a group member cancels the other members, except the
// filler's own bracket children.
func (s *Service) cancelOCOSiblings(r *record) {
	g := r.order.OcoGroupId
	if g == nil {
		return
	}
	for _, id := range s.oco[*g] {
		other := s.orders[id]
		if other == r || sm.IsTerminal(other.status) || other.order.GetParentOrderId() == r.id() {
			continue
		}
		s.transition(other, sm.Canceled, fmt.Sprintf("one-cancels-other: order %s of OCO group %s filled", r.id(), *g))
	}
}

// -- state changes ---------------------------------------------------------------------------------------------

// transition moves an order through the state machine, emits its OrderUpdate and applies the consequences.
func (s *Service) transition(r *record, status sm.Status, reason string) {
	if s.err != nil {
		return
	}
	if err := sm.Check(r.status, status, r.id()); err != nil {
		s.err = err
		return
	}
	previous := r.status
	r.status = status
	s.emitUpdate(r, &previous, reason)
	if !sm.IsTerminal(status) {
		return
	}
	if working := s.working[r.order.Symbol]; working != nil {
		delete(working, r.id())
	}
	for _, childID := range s.children[r.id()] {
		child := s.orders[childID]
		if sm.IsTerminal(child.status) {
			continue
		}
		if status == sm.Filled {
			child.active = true
			child.eligibleAfter = s.causeTime // works from the next bar on
		} else {
			s.transition(child, sm.Canceled, fmt.Sprintf("parent order %s was %s", r.id(), sm.Name(status)))
		}
	}
}

func (s *Service) emitUpdate(r *record, previous *sm.Status, reason string) {
	o := r.order
	u := &pb.OrderUpdate{OrderId: o.OrderId, Symbol: o.Symbol, Status: r.status, Reason: reason,
		FilledQuantity: arith.Contract(r.filled), RemainingQuantity: arith.Contract(r.remaining())}
	if previous != nil {
		p := *previous
		u.PreviousStatus = &p
	}
	if avg := r.averagePrice(); avg != nil {
		text := arith.Contract(avg)
		u.AverageFillPrice = &text
	}
	intent, key := o.IntentId, o.IdempotencyKey
	u.IntentId = &intent
	u.IdempotencyKey = &key
	s.emit("OrderUpdate").Event = &pb.Envelope_OrderUpdate{OrderUpdate: u}
}

// emit appends an event caused by the input being handled and returns it for the caller to set its payload; the
// envelope fields are derived from the input, never passed.
func (s *Service) emit(eventType string) *pb.Envelope {
	cause := s.cause
	id, err := ids.EventID(cause.EventId, Name, len(s.out))
	if err != nil && s.err == nil {
		s.err = err
	}
	causation := cause.EventId
	env := &pb.Envelope{
		EventId: id, EventType: eventType, SchemaVersion: 1,
		OccurredAt:    &timestamppb.Timestamp{Seconds: cause.OccurredAt.Seconds, Nanos: cause.OccurredAt.Nanos},
		SourceService: Name, CorrelationId: cause.CorrelationId, CausationId: &causation,
	}
	s.out = append(s.out, env)
	return env
}

// newID is the next id of a kind (fill, ...) for the input being handled: uuid5(input id, "execution/kind/k").
func (s *Service) newID(kind string) string {
	k := s.idCounters[kind]
	s.idCounters[kind] = k + 1
	id, err := ids.KindID(s.cause.EventId, Name, kind, k)
	if err != nil && s.err == nil {
		s.err = err
	}
	return id
}

func (s *Service) symbolKnown(symbol string) bool {
	if s.known != nil {
		return s.known[symbol]
	}
	return s.seen[symbol]
}
