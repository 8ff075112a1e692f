// Package statemachine is the order state machine as a pure transition table (python:
// qtrader.services.execution.state_machine): NEW -> ACCEPTED -> PARTIALLY_FILLED -> FILLED, or CANCELED /
// REJECTED / EXPIRED. Every transition the service makes goes through Check; an illegal one is a bug and is
// reported instead of emitting an OrderUpdate that would break the audit trail.
package statemachine

import (
	"fmt"
	"sort"
	"strings"

	pb "qtrader/go/gen/qtraderv1"
)

// Status is an order status (the generated enum).
type Status = pb.OrderStatus

// The statuses.
const (
	New             = pb.OrderStatus_ORDER_STATUS_NEW
	Accepted        = pb.OrderStatus_ORDER_STATUS_ACCEPTED
	PartiallyFilled = pb.OrderStatus_ORDER_STATUS_PARTIALLY_FILLED
	Filled          = pb.OrderStatus_ORDER_STATUS_FILLED
	Canceled        = pb.OrderStatus_ORDER_STATUS_CANCELED
	Rejected        = pb.OrderStatus_ORDER_STATUS_REJECTED
	Expired         = pb.OrderStatus_ORDER_STATUS_EXPIRED
)

// Transitions maps a status to the statuses it may move to; terminal statuses map to nothing.
var Transitions = map[Status][]Status{
	New:             {Accepted, Rejected},
	Accepted:        {PartiallyFilled, Filled, Canceled, Expired},
	PartiallyFilled: {PartiallyFilled, Filled, Canceled, Expired},
	Filled:          nil,
	Canceled:        nil,
	Rejected:        nil,
	Expired:         nil,
}

// Name is the contract's spelling of a status ("PARTIALLY_FILLED"), as Python's str(OrderStatus.X).
func Name(s Status) string {
	return strings.TrimPrefix(s.String(), "ORDER_STATUS_")
}

// IsTerminal is true for FILLED, CANCELED, REJECTED and EXPIRED.
func IsTerminal(s Status) bool {
	targets, known := Transitions[s]
	return known && len(targets) == 0
}

// IsLegal says whether previous -> next is in the table.
func IsLegal(previous, next Status) bool {
	for _, t := range Transitions[previous] {
		if t == next {
			return true
		}
	}
	return false
}

// Error is an illegal transition (python: OrderStateError).
type Error struct{ Message string }

func (e *Error) Error() string { return e.Message }

// Check returns an *Error unless previous -> next is legal; the message is the Python service's.
func Check(previous, next Status, orderID string) error {
	if IsLegal(previous, next) {
		return nil
	}
	names := make([]string, 0, len(Transitions[previous]))
	for _, t := range Transitions[previous] {
		names = append(names, Name(t))
	}
	sort.Strings(names)
	allowed := strings.Join(names, ", ")
	if allowed == "" {
		allowed = "nothing (terminal state)"
	}
	return &Error{fmt.Sprintf("order %s: illegal transition %s -> %s; from %s the order may move to %s. This is a "+
		"bug in the execution service: report it with the order's event log.", orderID, Name(previous), Name(next),
		Name(previous), allowed)}
}
