package service

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	pb "qtrader/go/gen/qtraderv1"
)

// ContractError is an input that breaks its contract (python: qtrader.errors.ContractError); the message names
// the event and the field. The gRPC layer answers it with INVALID_ARGUMENT, as the Python host does.
type ContractError struct{ Message string }

func (e *ContractError) Error() string { return e.Message }

// The patterns of contracts/schemas/common/types.v1.json (Go's $ is the end of the text, as in ECMA-262). Hand
// copies until the input checks are generated from the schemas.
var (
	uuidPattern       = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	symbolPattern     = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/^=-]{0,63}$`)
	identifierPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)
	textPattern       = regexp.MustCompile(`^[^\x00-\x1f\x7f]+$`) // a free text: one line, no control characters
	servicePattern    = regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,63}$`)
	currencyPattern   = regexp.MustCompile(`^[A-Z]{3}$`)
	timeframePattern  = regexp.MustCompile(`^[1-9][0-9]*(s|m|h|d|w|mo)$`)
)

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

func (c *checker) matches(field, value string, pattern *regexp.Regexp) {
	if value == "" {
		c.fail(field, "is required")
	} else if !pattern.MatchString(value) {
		c.fail(field, fmt.Sprintf("%q does not match %q", value, pattern.String()))
	}
}

// atMost checks one of a PriceBar's x-invariants: low <= high, open and close within [low, high].
func (c *checker) atMost(lowField string, low *apd.Decimal, highField string, high *apd.Decimal, message string) {
	if low.Cmp(high) > 0 {
		c.fail(lowField, fmt.Sprintf("%s (%s) <= %s (%s) does not hold: %s", lowField, arith.Plain(low), highField,
			arith.Plain(high), message))
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
	case sign >= 1 && strings.HasPrefix(text, "-"): // the NonNegative and Positive patterns take no sign, not even -0
		c.fail(field, fmt.Sprintf("must be written without a sign, got %q", text))
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

func (c *checker) optionalMatch(field string, value *string, pattern *regexp.Regexp) {
	if value != nil {
		c.matches(field, *value, pattern)
	}
}

// envelope checks what every input needs: an event id to derive ids from, a timestamp, a correlation id.
func (c *checker) envelope() {
	c.id("event_id", c.env.EventId)
	if c.env.SchemaVersion != 1 {
		c.fail("schema_version", fmt.Sprintf("must be 1, got %d", c.env.SchemaVersion))
	}
	if c.env.OccurredAt == nil {
		c.fail("occurred_at", "is required")
	} else if err := c.env.OccurredAt.CheckValid(); err != nil {
		c.fail("occurred_at", err.Error())
	}
	c.id("correlation_id", c.env.CorrelationId)
	if c.env.CausationId != nil {
		c.id("causation_id", *c.env.CausationId)
	}
	c.matches("source_service", c.env.SourceService, servicePattern)
}

// bar is a PriceBar with its prices parsed.
type bar struct {
	msg                     *pb.PriceBar
	open, high, low, volume *apd.Decimal
}

func parseBar(env *pb.Envelope, msg *pb.PriceBar) (*bar, error) {
	c := &checker{env: env}
	c.envelope()
	c.matches("symbol", msg.Symbol, symbolPattern)
	c.matches("timeframe", msg.Timeframe, timeframePattern)
	c.optionalMatch("currency", msg.Currency, currencyPattern)
	b := &bar{msg: msg, open: c.decimal("open", msg.Open, 1), high: c.decimal("high", msg.High, 1),
		low: c.decimal("low", msg.Low, 1), volume: c.decimal("volume", msg.Volume, 1)}
	closing := c.decimal("close", msg.Close, 1)
	if c.err == nil {
		c.atMost("low", b.low, "high", b.high, "high must not be below low")
		c.atMost("open", b.open, "high", b.high, "open must lie in [low, high]")
		c.atMost("low", b.low, "open", b.open, "open must lie in [low, high]")
		c.atMost("close", closing, "high", b.high, "close must lie in [low, high]")
		c.atMost("low", b.low, "close", closing, "close must lie in [low, high]")
	}
	return b, c.err
}

// parseOrder checks an Order against its contract and parses its decimals. Like the Python host, it refuses an
// unknown enum value (UNSPECIFIED) as a contract violation before the service sees the order.
func parseOrder(env *pb.Envelope, msg *pb.Order) (quantity *apd.Decimal, px prices, err error) {
	c := &checker{env: env}
	c.envelope()
	c.id("order_id", msg.OrderId)
	c.id("intent_id", msg.IntentId)
	c.matches("idempotency_key", msg.IdempotencyKey, textPattern)
	if len([]rune(msg.IdempotencyKey)) > 256 {
		c.fail("idempotency_key", "is longer than 256 characters")
	}
	c.matches("strategy_id", msg.StrategyId, identifierPattern)
	c.matches("symbol", msg.Symbol, symbolPattern)
	c.optionalMatch("oco_group_id", msg.OcoGroupId, identifierPattern)
	for i, lot := range msg.LotIds {
		c.matches(fmt.Sprintf("lot_ids.%d", i), lot, identifierPattern)
		for _, earlier := range msg.LotIds[:i] {
			if lot == earlier {
				c.fail(fmt.Sprintf("lot_ids.%d", i), fmt.Sprintf("%q is named twice", lot))
			}
		}
	}
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
	c.id("order_id", msg.OrderId)
	c.matches("reason", msg.Reason, textPattern)
	return c.err
}
