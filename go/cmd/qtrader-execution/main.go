// Command qtrader-execution serves the Go execution service over gRPC:
//
//	qtrader-execution --port 50051 --host 127.0.0.1
//
// It prints "qtrader-execution: serving execution on HOST:PORT" once it listens (with --port 0 the port is
// the one the system picked) and stops on SIGINT or SIGTERM.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"qtrader/go/server"
)

func main() {
	port := flag.Int("port", 50051, "TCP port to listen on (0: any free port)")
	host := flag.String("host", "127.0.0.1", "address to listen on")
	flag.Parse()

	listener, err := net.Listen("tcp", net.JoinHostPort(*host, fmt.Sprint(*port)))
	if err != nil {
		fmt.Fprintf(os.Stderr, "qtrader-execution: cannot listen on %s:%d: %v\n", *host, *port, err)
		os.Exit(1)
	}
	g := server.NewGRPC(server.New())
	fmt.Printf("qtrader-execution: serving execution on %s (Ctrl-C to stop)\n", listener.Addr())

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
		fmt.Fprintf(os.Stderr, "qtrader-execution: %v\n", err)
		os.Exit(1)
	}
}
