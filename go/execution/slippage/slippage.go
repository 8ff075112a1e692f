// Package slippage says how many basis points a fill price moves against the order, and the adverse price that
// gives (python: qtrader.services.execution.slippage).
//
// Models: none (0 bps); fixed_bps (bps on every fill); volume_share (bps + impact * quantity/volume * 10000,
// capped at max_bps; a bar with volume 0 counts as share 1); random (bps * k / 10000 with
// k = random.Random(seed).randint(0, 10000), one draw per fill, reproduced with package pyrandom).
package slippage

import (
	"math/big"

	"github.com/cockroachdb/apd/v3"

	"qtrader/go/execution/arith"
	"qtrader/go/execution/config"
	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/pyrandom"
)

// RandomSteps is the grid of the random model: k in [0, 10000].
const RandomSteps = 10000

// Model is the configured model; it holds the seeded generator of the random model (a reset makes a new one).
type Model struct {
	cfg config.Slippage
	rng *pyrandom.Random
}

// New builds the model; the random model seeds with cfg.Seed, or 0 when absent (Python: seed or 0).
func New(cfg config.Slippage) *Model {
	m := &Model{cfg: cfg}
	if cfg.Model == "random" {
		seed := cfg.Seed
		if seed == nil {
			seed = new(big.Int)
		}
		m.rng = pyrandom.New(seed)
	}
	return m
}

// Bps is the slippage of one fill of quantity on a bar that traded volume, in basis points.
func (m *Model) Bps(quantity, volume *apd.Decimal) *apd.Decimal {
	cfg := m.cfg
	switch cfg.Model {
	case "fixed_bps":
		return cfg.Bps
	case "random":
		k := m.rng.RandInt(0, RandomSteps)
		return arith.Div(arith.Mul(cfg.Bps, arith.FromInt64(k)), arith.FromInt64(RandomSteps))
	case "volume_share":
		share := arith.One
		if volume.Sign() > 0 {
			share = arith.Div(quantity, volume)
		}
		base := arith.Zero // Python: cfg.bps or ZERO (a zero bps counts as absent)
		if cfg.Bps != nil && !cfg.Bps.IsZero() {
			base = cfg.Bps
		}
		value := arith.Add(base, arith.Mul(arith.Mul(cfg.Impact, share), arith.BpsPerUnit))
		return arith.Min(value, cfg.MaxBps)
	}
	return arith.Zero
}

// Apply returns the slipped fill price and the slippage per unit (>= 0, adverse is positive). A buy pays more,
// a sell receives less; the slipped price is rounded to at most places fraction digits (ROUND_HALF_EVEN) but
// never to the order's advantage (then the rule price is used, slippage 0). With 0 bps the rule price is
// returned exactly. A sell price that would reach 0 keeps the rule price.
func Apply(side pb.Side, price, bps *apd.Decimal, places int) (slipped, slippage *apd.Decimal) {
	if bps.IsZero() {
		return price, arith.Zero
	}
	move := arith.Div(arith.Mul(price, bps), arith.BpsPerUnit)
	if side == pb.Side_SIDE_BUY {
		slipped = arith.Max(arith.AtMost(arith.Add(price, move), places), price)
		return slipped, arith.Sub(slipped, price)
	}
	slipped = arith.Min(arith.AtMost(arith.Sub(price, move), places), price)
	if slipped.Sign() <= 0 {
		slipped = price
	}
	return slipped, arith.Sub(price, slipped)
}
