// Package ids derives QTrader's deterministic ids: RFC 4122 UUIDv5 of a parent id and a name, exactly as
// python/src/qtrader/contracts/ids.py does, so a Go service's event and fill ids equal the Python service's.
package ids

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strconv"
)

// UUID5 is uuid5(UUID(namespace), name) as a lowercase string. The namespace must be a UUID string
// (hyphens optional); an error says which value was not one.
func UUID5(namespace, name string) (string, error) {
	var raw [16]byte
	hexDigits := make([]byte, 0, 32)
	for i := 0; i < len(namespace); i++ {
		if namespace[i] != '-' {
			hexDigits = append(hexDigits, namespace[i])
		}
	}
	if len(hexDigits) != 32 {
		return "", fmt.Errorf("namespace %q is not a UUID", namespace)
	}
	if _, err := hex.Decode(raw[:], hexDigits); err != nil {
		return "", fmt.Errorf("namespace %q is not a UUID: %v", namespace, err)
	}
	h := sha1.New()
	h.Write(raw[:])
	h.Write([]byte(name))
	sum := h.Sum(nil)
	sum[6] = (sum[6] & 0x0f) | 0x50
	sum[8] = (sum[8] & 0x3f) | 0x80
	var out [36]byte
	hex.Encode(out[0:8], sum[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], sum[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], sum[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], sum[8:10])
	out[23] = '-'
	hex.Encode(out[24:36], sum[10:16])
	return string(out[:]), nil
}

// EventID is the id of the k-th event service emits for the input event cause: uuid5(cause, "service/k").
func EventID(cause, service string, k int) (string, error) {
	return UUID5(cause, service+"/"+strconv.Itoa(k))
}

// KindID is the k-th id of a kind (e.g. "fill") made for the input event cause: uuid5(cause, "service/kind/k").
func KindID(cause, service, kind string, k int) (string, error) {
	return UUID5(cause, service+"/"+kind+"/"+strconv.Itoa(k))
}

// Namespace of every QTrader run id: uuid5(NAMESPACE_DNS, "qtrader").
const Namespace = "4fb49c14-273c-516a-a14c-a53741da99aa"

// RunID is the id of a run derived from its name, like qtrader.contracts.ids.run_id.
func RunID(name string) string {
	id, _ := UUID5(Namespace, name)
	return id
}
