// Command qtrader-check prints how the Go checker words a config or an event: one JSON case a line on stdin,
// {"kind": "config", "text": ...} (an execution config, as Reset receives it) or {"kind": "event", "instance": {...}},
// one JSON string a line on stdout (the error message, "" when accepted). python/tests/contracts/test_checker_parity.py
// compares it with the Python services' words.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"qtrader/go/contracts/check"
	"qtrader/go/contracts/events"
	"qtrader/go/execution/config"
)

type testCase struct {
	Kind     string          `json:"kind"`
	Text     string          `json:"text"`
	Instance json.RawMessage `json:"instance"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	for in.Scan() {
		var c testCase
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		var err error
		switch c.Kind {
		case "config":
			_, err = config.Parse(c.Text)
		case "event":
			instance, perr := check.Parse(string(c.Instance), false)
			if perr != nil {
				fmt.Fprintln(os.Stderr, perr)
				os.Exit(2)
			}
			err = events.CheckJSON(instance, "")
		}
		message := ""
		if err != nil {
			message = err.Error()
		}
		out, _ := json.Marshal(message)
		fmt.Println(string(out))
	}
}
