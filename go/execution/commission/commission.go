// Package commission is the commission of one fill, always >= 0 (python:
// qtrader.services.execution.commission).
//
// Models: none (0); per_share (rate * quantity); per_order (rate, on the order's first fill only); percent
// (rate percent of the fill's notional); tiered (marginal per-unit rates on the fill's quantity). minimum and
// maximum clamp each charged fill (a per_order follow-up fill stays 0); the result has at most decimals places,
// ROUND_HALF_EVEN.
package commission

import (
	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	"qtrader/go/execution/config"
)

// Tiered is the marginal tiered amount: each unit pays the rate of the tier it falls in; units beyond a bounded
// last tier pay that tier's rate.
func Tiered(quantity *apd.Decimal, tiers []config.Tier) *apd.Decimal {
	total, floor := arith.Zero, arith.Zero
	for _, tier := range tiers {
		if quantity.Cmp(floor) <= 0 {
			break
		}
		top := quantity
		if tier.UpTo != nil {
			top = arith.Min(quantity, tier.UpTo)
		}
		total = arith.Add(total, arith.Mul(arith.Sub(top, floor), tier.Rate))
		if tier.UpTo == nil {
			break
		}
		floor = tier.UpTo
	}
	last := tiers[len(tiers)-1]
	if last.UpTo != nil && quantity.Cmp(last.UpTo) > 0 {
		total = arith.Add(total, arith.Mul(arith.Sub(quantity, last.UpTo), last.Rate))
	}
	return total
}

// Of is the commission of one fill of quantity at price; firstFill is true for the order's first fill.
func Of(cfg config.Commission, quantity, price *apd.Decimal, firstFill bool) *apd.Decimal {
	if cfg.Model == "none" {
		return arith.Zero
	}
	if cfg.Model == "per_order" && !firstFill {
		return arith.Zero
	}
	var raw *apd.Decimal
	switch cfg.Model {
	case "per_share":
		raw = arith.Mul(cfg.Rate, quantity)
	case "per_order":
		raw = cfg.Rate
	case "percent":
		raw = arith.Div(arith.Mul(arith.Mul(quantity, price), cfg.Rate), arith.Hundred)
	default:
		raw = Tiered(quantity, cfg.Tiers)
	}
	if cfg.Minimum != nil {
		raw = arith.Max(raw, cfg.Minimum)
	}
	if cfg.Maximum != nil {
		raw = arith.Min(raw, cfg.Maximum)
	}
	return arith.AtMost(raw, cfg.Decimals)
}
