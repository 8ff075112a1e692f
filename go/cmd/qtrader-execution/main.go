// Command qtrader-execution serves the Go execution service over gRPC:
//
//	qtrader-execution --port 50051 --host 127.0.0.1 [--max-sessions 4] [--idle-timeout 5m]
//	                  [--tls-cert cert.pem --tls-key key.pem [--tls-client-ca ca.pem]] [--token-env VAR]
//
// It prints "qtrader-execution: serving execution on HOST:PORT" once it listens (with --port 0 the port is
// the one the system picked) and stops on SIGINT or SIGTERM. A port in use is an error.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"google.golang.org/grpc"

	"qtrader/go/server"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "qtrader-execution: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	port := flag.Int("port", 50051, "TCP port to listen on (0: any free port)")
	host := flag.String("host", "127.0.0.1", "address to listen on")
	maxSessions := flag.Int("max-sessions", 4, "runs served at once, each in isolation")
	idle := flag.Duration("idle-timeout", 5*time.Minute, "end a session whose client is quiet this long")
	certFile := flag.String("tls-cert", "", "PEM certificate chain: serve over TLS (with --tls-key)")
	keyFile := flag.String("tls-key", "", "PEM private key of --tls-cert")
	clientCA := flag.String("tls-client-ca", "", "PEM CA: clients must present a certificate it signed")
	tokenEnv := flag.String("token-env", "", "require the token held in this environment variable")
	flag.Parse()

	var options []grpc.ServerOption
	security := "no TLS"
	if (*certFile == "") != (*keyFile == "") {
		fail("--tls-cert and --tls-key go together")
	}
	if *certFile != "" {
		creds, err := server.TLS(*certFile, *keyFile, *clientCA)
		if err != nil {
			fail("%v", err)
		}
		options = append(options, creds)
		security = "TLS"
	}
	if *tokenEnv != "" {
		token := os.Getenv(*tokenEnv)
		if token == "" {
			fail("--token-env: the environment variable %s is not set", *tokenEnv)
		}
		options = append(options, server.TokenCheck(token)...)
		security += ", token required"
	}
	listener, err := server.Listen(*host, *port)
	if err != nil {
		fail("%v", err)
	}
	g := server.NewGRPC(server.NewWith(server.Options{MaxSessions: *maxSessions, IdleTimeout: *idle}), options...)
	fmt.Printf("qtrader-execution: serving execution on %s (%s; Ctrl-C to stop)\n", listener.Addr(), security)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		done := make(chan struct{})
		go func() { g.GracefulStop(); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			g.Stop()
		}
	}()
	if err := g.Serve(listener); err != nil {
		fail("%v", err)
	}
}
