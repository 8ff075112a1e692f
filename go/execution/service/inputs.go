package service

import (
	"fmt"
	"regexp"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	pb "qtrader/go/gen/qtraderv1"
)

// ContractError is an input that breaks its contract (python: qtrader.errors.ContractError); the message names
// the event and the field. The gRPC layer answers it with INVALID_ARGUMENT, as the Python host does.
type ContractError struct{ Message string }

func (e *ContractError) Error() string { return e.Message }

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checker collects the first contract problem of one input event.
type checker struct {
	env *pb.Envelope
	err error
}

func (c *checker) fail(field, message string) {
	if c.err == nil {
		c.err = &ContractError{fmt.Sprintf("%s event %s: field %s: %s", c.env.EventType, c.env.EventId, field,
			message)}
	}
}

func (c *checker) id(field, value string) {
	if !uuidPattern.MatchString(value) {
		c.fail(field, fmt.Sprintf("id must be a lowercase UUID string, got %q", value))
	}
}

func (c *checker) nonEmpty(field, value string) {
	if value == "" {
		c.fail(field, "is required")
	}
}

// decimal parses a contract decimal; sign: 0 any, 1 >= 0, 2 > 0.
func (c *checker) decimal(field, text string, sign int) *apd.Decimal {
	d, err := arith.ParseContract(text)
	if err != nil {
		c.fail(field, err.Error())
		return arith.Zero
	}
	switch {
	case sign == 1 && d.Sign() < 0:
		c.fail(field, "must be >= 0, got "+arith.Contract(d))
	case sign == 2 && d.Sign() <= 0:
		c.fail(field, "must be > 0, got "+arith.Contract(d))
	}
	return d
}

func (c *checker) optional(field string, text *string, sign int) *apd.Decimal {
	if text == nil {
		return nil
	}
	return c.decimal(field, *text, sign)
}

// envelope checks what every input needs: an event id to derive ids from, a timestamp, a correlation id.
func (c *checker) envelope() {
	c.id("event_id", c.env.EventId)
	if c.env.OccurredAt == nil {
		c.fail("occurred_at", "is required")
	} else if err := c.env.OccurredAt.CheckValid(); err != nil {
		c.fail("occurred_at", err.Error())
	}
	c.id("correlation_id", c.env.CorrelationId)
}

// bar is a PriceBar with its prices parsed.
type bar struct {
	msg                     *pb.PriceBar
	open, high, low, volume *apd.Decimal
}

func parseBar(env *pb.Envelope, msg *pb.PriceBar) (*bar, error) {
	c := &checker{env: env}
	c.envelope()
	c.nonEmpty("symbol", msg.Symbol)
	b := &bar{msg: msg, open: c.decimal("open", msg.Open, 1), high: c.decimal("high", msg.High, 1),
		low: c.decimal("low", msg.Low, 1), volume: c.decimal("volume", msg.Volume, 1)}
	c.decimal("close", msg.Close, 1)
	return b, c.err
}

// parseOrder checks an Order against its contract and parses its decimals. Like the Python host, it refuses an
// unknown enum value (UNSPECIFIED) as a contract violation before the service sees the order.
func parseOrder(env *pb.Envelope, msg *pb.Order) (quantity *apd.Decimal, px prices, err error) {
	c := &checker{env: env}
	c.envelope()
	c.id("order_id", msg.OrderId)
	c.id("intent_id", msg.IntentId)
	c.nonEmpty("idempotency_key", msg.IdempotencyKey)
	c.nonEmpty("strategy_id", msg.StrategyId)
	c.nonEmpty("symbol", msg.Symbol)
	if msg.ParentOrderId != nil {
		c.id("parent_order_id", *msg.ParentOrderId)
	}
	if msg.Side != pb.Side_SIDE_BUY && msg.Side != pb.Side_SIDE_SELL {
		c.fail("side", "must be BUY or SELL, got "+msg.Side.String())
	}
	if _, ok := needs[msg.OrderType]; !ok {
		c.fail("order_type", "must be one of "+orderTypeNames+", got "+msg.OrderType.String())
	}
	if msg.TimeInForce < pb.TimeInForce_TIME_IN_FORCE_DAY || msg.TimeInForce > pb.TimeInForce_TIME_IN_FORCE_FOK {
		c.fail("time_in_force", "must be one of "+tifNames+", got "+msg.TimeInForce.String())
	}
	if msg.BracketRole != nil && (*msg.BracketRole < pb.BracketRole_BRACKET_ROLE_ENTRY ||
		*msg.BracketRole > pb.BracketRole_BRACKET_ROLE_TAKE_PROFIT) {
		c.fail("bracket_role", "must be ENTRY, STOP_LOSS or TAKE_PROFIT, got "+msg.BracketRole.String())
	}
	quantity = c.decimal("quantity", msg.Quantity, 0)
	px.limit = c.optional("limit_price", msg.LimitPrice, 0)
	px.stop = c.optional("stop_price", msg.StopPrice, 0)
	px.trailAmount = c.optional("trail_amount", msg.TrailAmount, 2)
	px.trailPercent = c.optional("trail_percent", msg.TrailPercent, 2)
	return quantity, px, c.err
}

func checkCancel(env *pb.Envelope, msg *pb.CancelOrder) error {
	c := &checker{env: env}
	c.envelope()
	c.nonEmpty("order_id", msg.OrderId)
	return c.err
}
