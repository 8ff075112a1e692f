package service

import (
	"github.com/cockroachdb/apd/v3"

	"qtrader/go/contracts/events"
	"qtrader/go/execution/arith"
	pb "qtrader/go/gen/qtraderv1"
)

// ContractError is an input that breaks its contract (python: qtrader.errors.ContractError); the message names
// the event and the field, in the shared wording. The gRPC layer answers it with INVALID_ARGUMENT.
type ContractError = events.ContractError

// where prefixes an input's contract error, as the Python host does (`execution input: ...`).
const where = "execution input"

// decimal parses a decimal the contract check already passed.
func decimal(text string) *apd.Decimal { return arith.MustParse(text) }

func optional(text *string) *apd.Decimal {
	if text == nil {
		return nil
	}
	return decimal(*text)
}

// bar is a PriceBar with its prices parsed.
type bar struct {
	msg                     *pb.PriceBar
	open, high, low, volume *apd.Decimal
}

func parseBar(env *pb.Envelope, msg *pb.PriceBar) (*bar, error) {
	if err := events.Check(env, where); err != nil {
		return nil, err
	}
	return &bar{msg: msg, open: decimal(msg.Open), high: decimal(msg.High), low: decimal(msg.Low),
		volume: decimal(msg.Volume)}, nil
}

// parseOrder checks an Order against its contract (an unknown enum value, UNSPECIFIED, breaks it) and parses
// its decimals.
func parseOrder(env *pb.Envelope, msg *pb.Order) (quantity *apd.Decimal, px prices, err error) {
	if err := events.Check(env, where); err != nil {
		return nil, px, err
	}
	px = prices{limit: optional(msg.LimitPrice), stop: optional(msg.StopPrice),
		trailAmount: optional(msg.TrailAmount), trailPercent: optional(msg.TrailPercent)}
	return decimal(msg.Quantity), px, nil
}

func checkCancel(env *pb.Envelope, _ *pb.CancelOrder) error {
	return events.Check(env, where)
}
