// Package fillrules says where an order fills on one bar: pure functions of the order's prices and the bar's
// open, high and low (python: qtrader.services.execution.fill_rules).
//
// Bars carry no intra-bar path, so each rule assumes only what the bar proves: the open is the first price, and
// every price in [low, high] traded at some moment. A gap through a limit or a stop fills at the open, and every
// rule price lies inside [low, high]. Slippage, quantity caps and time in force are applied elsewhere.
// Ties keep Python's min/max choice (the first argument), so the price keeps the same spelling.
package fillrules

import (
	"fmt"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	pb "qtrader/go/gen/qtraderv1"
)

// Bar is the part of a bar the rules read.
type Bar struct {
	Open, High, Low *apd.Decimal
}

// Decision is the verdict for one order on one bar: the rule price (nil: no fill), whether the stop is
// triggered afterwards, and the reason written into the OrderUpdate.
type Decision struct {
	Price     *apd.Decimal
	Triggered bool
	Reason    string
}

func isBuy(side pb.Side) bool { return side == pb.Side_SIDE_BUY }

// LimitPrice is where a limit fills: a buy when low <= limit, at min(limit, open); a sell when high >= limit,
// at max(limit, open). Nil when the bar does not reach the limit.
func LimitPrice(side pb.Side, limit *apd.Decimal, bar Bar) *apd.Decimal {
	if isBuy(side) {
		if bar.Low.Cmp(limit) <= 0 {
			return arith.Min(limit, bar.Open)
		}
		return nil
	}
	if bar.High.Cmp(limit) >= 0 {
		return arith.Max(limit, bar.Open)
	}
	return nil
}

// StopTriggered: a buy stop triggers when high >= stop, a sell stop when low <= stop.
func StopTriggered(side pb.Side, stop *apd.Decimal, bar Bar) bool {
	if isBuy(side) {
		return bar.High.Cmp(stop) >= 0
	}
	return bar.Low.Cmp(stop) <= 0
}

// StopPrice is where a triggered stop becomes a market order: max(stop, open) for a buy, min(stop, open) for a
// sell (a gap through the stop fills at the open). Nil when not triggered.
func StopPrice(side pb.Side, stop *apd.Decimal, bar Bar) *apd.Decimal {
	if !StopTriggered(side, stop, bar) {
		return nil
	}
	if isBuy(side) {
		return arith.Max(stop, bar.Open)
	}
	return arith.Min(stop, bar.Open)
}

func limitReason(limit, price *apd.Decimal) string {
	if price.Cmp(limit) != 0 {
		return fmt.Sprintf("limit %s gapped through: filled at the open", arith.Plain(limit))
	}
	return fmt.Sprintf("limit %s reached", arith.Plain(limit))
}

// Evaluate is the rule price of an order on a bar on which it works. stop is the current stop level (for
// TRAILING_STOP the ratcheted one), triggered whether a stop was triggered on an earlier bar: a triggered STOP
// or TRAILING_STOP works as a MARKET order, a triggered STOP_LIMIT as a LIMIT order.
//
// STOP_LIMIT on its trigger bar (conservative): the only price the bar proves after the trigger is
// t = max(stop, open) for a buy (min for a sell). It fills at t when t is within the limit; otherwise it stays
// triggered and rests as a limit from the next bar on.
func Evaluate(orderType pb.OrderType, side pb.Side, bar Bar, limit, stop *apd.Decimal, triggered bool) (Decision, error) {
	switch orderType {
	case pb.OrderType_ORDER_TYPE_MARKET:
		return Decision{bar.Open, false, "market order: filled at the open"}, nil
	case pb.OrderType_ORDER_TYPE_LIMIT:
		price := LimitPrice(side, limit, bar)
		if price == nil {
			return Decision{nil, false, "limit not reached"}, nil
		}
		return Decision{price, false, limitReason(limit, price)}, nil
	case pb.OrderType_ORDER_TYPE_STOP, pb.OrderType_ORDER_TYPE_TRAILING_STOP:
		if triggered {
			return Decision{bar.Open, true, "stop triggered earlier: remainder filled at the open"}, nil
		}
		price := StopPrice(side, stop, bar)
		if price == nil {
			return Decision{nil, false, "stop not triggered"}, nil
		}
		gap := "triggered: filled at the stop"
		if price.Cmp(stop) != 0 {
			gap = "gapped through: filled at the open"
		}
		return Decision{price, true, fmt.Sprintf("stop %s %s", arith.Plain(stop), gap)}, nil
	case pb.OrderType_ORDER_TYPE_STOP_LIMIT:
		if triggered {
			price := LimitPrice(side, limit, bar)
			reason := "stop-limit: limit not reached"
			if price != nil {
				reason = limitReason(limit, price)
			}
			return Decision{price, true, "stop-limit: " + reason}, nil
		}
		trigger := StopPrice(side, stop, bar)
		if trigger == nil {
			return Decision{nil, false, "stop not triggered"}, nil
		}
		within := trigger.Cmp(limit) >= 0
		if isBuy(side) {
			within = trigger.Cmp(limit) <= 0
		}
		if within {
			return Decision{trigger, true, fmt.Sprintf("stop-limit: stop %s triggered, filled at %s",
				arith.Plain(stop), arith.Plain(trigger))}, nil
		}
		return Decision{nil, true, fmt.Sprintf("stop-limit: stop %s triggered beyond the limit, resting as a limit",
			arith.Plain(stop))}, nil
	}
	return Decision{}, fmt.Errorf("unknown order type %s", orderType)
}

// TrailingLevel is the stop a trailing order has at the best price extreme seen since it became working.
// Sell: extreme - amount, or extreme * (1 - percent/100); buy: extreme + amount, or extreme * (1 + percent/100).
// Rounded to at most places fraction digits, ROUND_HALF_EVEN. Exactly one of amount and percent is non-nil.
func TrailingLevel(side pb.Side, extreme, amount, percent *apd.Decimal, places int) *apd.Decimal {
	var level *apd.Decimal
	if amount != nil {
		if isBuy(side) {
			level = arith.Add(extreme, amount)
		} else {
			level = arith.Sub(extreme, amount)
		}
	} else {
		factor := arith.Div(percent, arith.Hundred)
		if isBuy(side) {
			level = arith.Mul(extreme, arith.Add(arith.One, factor))
		} else {
			level = arith.Mul(extreme, arith.Sub(arith.One, factor))
		}
	}
	return arith.AtMost(level, places)
}

// Ratchet: a trailing stop only moves in the order's favour, up for a sell, down for a buy.
func Ratchet(side pb.Side, current, candidate *apd.Decimal) *apd.Decimal {
	if isBuy(side) {
		return arith.Min(current, candidate)
	}
	return arith.Max(current, candidate)
}

// BetterExtreme is the best price since working: highest high for a sell trailing stop, lowest low for a buy.
func BetterExtreme(side pb.Side, extreme *apd.Decimal, bar Bar) *apd.Decimal {
	if isBuy(side) {
		if extreme == nil {
			return bar.Low
		}
		return arith.Min(extreme, bar.Low)
	}
	if extreme == nil {
		return bar.High
	}
	return arith.Max(extreme, bar.High)
}
