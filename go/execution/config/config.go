// Package config reads the `execution` config section sent in Reset. The keys, defaults and rules are
// contracts/config/execution.v1.json's: the shared checker (qtrader/go/contracts/check) checks the text with
// the wording the Python service uses, then it is decoded into the generated struct (qtrader/go/gen/config).
//
// The Reset text is JSON (the engine and the conformance runner send json.dumps of the YAML section); its
// numbers are read as the Python host's YAML loader (qtrader.safe_yaml) reads them (check.Parse), so a decimal key is read by the
// one rule of contracts/README.md.
package config

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"qtrader/go/contracts/check"
	gen "qtrader/go/gen/config"
)

// The generated structs, by the names the execution packages use.
type (
	Execution  = gen.ExecutionConfig
	Slippage   = gen.SlippageConfig
	Commission = gen.CommissionConfig
	Tier       = gen.TierConfig
)

// Section names the config in every problem (execution.commission.minimum: must be >= 0).
const (
	Section  = "execution"
	schemaID = "https://contracts.qtrader.dev/config/execution.v1.json"
)

// Error is a bad config: every problem, as the shared table words it.
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

var checker = sync.OnceValue(func() *check.Checker {
	c, err := check.NewChecker("config")
	if err != nil {
		panic(err)
	}
	return c
})

// Default is the config of an empty section.
func Default() *Execution {
	cfg, err := Parse("")
	if err != nil {
		panic(err)
	}
	return cfg
}

// Parse reads the Reset config text (JSON; empty or blank means the defaults).
func Parse(text string) (*Execution, error) {
	if strings.TrimSpace(text) == "" {
		text = "{}"
	}
	root, err := check.Parse(text, true)
	if err != nil {
		return nil, &Error{fmt.Sprintf("the config must be JSON text (as the engine sends it): %v", err)}
	}
	if root.Kind != check.Object {
		return nil, &Error{"service config: a service config must be a mapping"} // the Python host's words (grpc_host.server)
	}
	normalized, problems := checker().Check(schemaID, root)
	if len(problems) > 0 {
		return nil, &Error{check.Text(problems, Section)}
	}
	cfg := &Execution{}
	if err := json.Unmarshal(normalized.JSON(), cfg); err != nil {
		return nil, &Error{fmt.Sprintf("%s: %v", Section, err)}
	}
	return cfg, nil
}
