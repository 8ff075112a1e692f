// Package server puts the execution service behind the generated PipelineService (docs/architecture.md §5):
// Describe reports what it consumes and emits, Reset opens a session (a fresh service built from a JSON config)
// and returns its id, Process serves the session its "qtrader-session" metadata names, lockstep (one
// FrameResult per Frame, one Batch per input event, in order), and ends it when the stream ends.
//
// Sessions are served in isolation, as the Python host serves them: a Reset or a stream of one client never
// changes another client's run. At most MaxSessions are open at once (a further Reset is RESOURCE_EXHAUSTED); a
// session whose client is quiet for IdleTimeout is ended when the next call arrives. Status codes are the Python
// host's: a bad config or input is INVALID_ARGUMENT, a missing or unknown session FAILED_PRECONDITION, no room
// RESOURCE_EXHAUSTED, a wrong token UNAUTHENTICATED, anything else INTERNAL; error texts are bounded.
package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"qtrader/go/execution/config"
	"qtrader/go/execution/service"
	sm "qtrader/go/execution/statemachine"
	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/ids"
)

// Version is reported by Describe.
const Version = "0.1.0"

// The values both ends agree on (python/src/qtrader/grpc_host/wire.py states the same).
const (
	// MaxMessageBytes bounds a message each way.
	MaxMessageBytes = 64 << 20
	// MaxConfigBytes bounds a Reset's config text (python/src/qtrader/safe_yaml.py: MAX_CONFIG_BYTES).
	MaxConfigBytes = 1 << 20
	// MaxErrorChars bounds an error text (python/src/qtrader/errors.py: MAX_ERROR_CHARS).
	MaxErrorChars = 1000
	// SessionKey is the metadata key that names a session.
	SessionKey = "qtrader-session"
	// TokenKey is the metadata key of the shared token: "authorization: Bearer <token>".
	TokenKey = "authorization"
)

// Options of a server; the zero value gets the defaults.
type Options struct {
	MaxSessions int           // runs served at once (default 4)
	IdleTimeout time.Duration // end a session whose client is quiet this long (default 5 minutes)
}

type session struct {
	svc      *service.Service
	lastUsed time.Time
	cancel   context.CancelFunc // of its Process stream, once open
}

// Server serves one ExecutionService per session.
type Server struct {
	pb.UnimplementedPipelineServiceServer
	opts     Options
	mu       sync.Mutex
	sessions map[string]*session
}

// New returns a server with the default options.
func New() *Server { return NewWith(Options{}) }

// NewWith returns a server with the given options.
func NewWith(opts Options) *Server {
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = 4
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 5 * time.Minute
	}
	return &Server{opts: opts, sessions: map[string]*session{}}
}

// Register adds the server to a gRPC server.
func (s *Server) Register(g *grpc.Server) { pb.RegisterPipelineServiceServer(g, s) }

// NewGRPC is a gRPC server with the message size limits (and any further options: TLS, the token check),
// serving s.
func NewGRPC(s *Server, extra ...grpc.ServerOption) *grpc.Server {
	opts := append([]grpc.ServerOption{grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes)},
		extra...)
	g := grpc.NewServer(opts...)
	s.Register(g)
	return g
}

// Bounded cuts an error text to MaxErrorChars, saying how much was left out.
func Bounded(text string) string {
	if len(text) <= MaxErrorChars {
		return text
	}
	return fmt.Sprintf("%s... (%d more characters)", text[:MaxErrorChars], len(text)-MaxErrorChars)
}

func statusf(code codes.Code, format string, args ...any) error {
	return status.Error(code, Bounded(fmt.Sprintf(format, args...)))
}

// expireIdle ends the sessions whose client has been quiet too long (at every call: no goroutine of its own).
func (s *Server) expireIdle() {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, sess := range s.sessions {
		if now.Sub(sess.lastUsed) > s.opts.IdleTimeout {
			delete(s.sessions, id)
			if sess.cancel != nil {
				sess.cancel()
			}
		}
	}
}

func sessionID(ctx context.Context) (string, bool) {
	md, _ := metadata.FromIncomingContext(ctx)
	values := md.Get(SessionKey)
	if len(values) == 0 {
		return "", false
	}
	return values[0], true
}

func (s *Server) lookup(ctx context.Context, required bool) (*session, error) {
	id, named := sessionID(ctx)
	if !named {
		if required {
			return nil, statusf(codes.FailedPrecondition, "%s: no session: call Reset first and name the session id "+
				"it returns in the '%s' metadata", service.Name, SessionKey)
		}
		return nil, nil
	}
	s.mu.Lock()
	sess := s.sessions[id]
	s.mu.Unlock()
	if sess == nil {
		if len(id) > 64 {
			id = id[:64]
		}
		return nil, statusf(codes.FailedPrecondition, "%s: unknown or ended session '%s': call Reset to open a new one",
			service.Name, id)
	}
	return sess, nil
}

// Describe: name, version, event types consumed and emitted, language.
func (s *Server) Describe(ctx context.Context, _ *pb.DescribeRequest) (*pb.ServiceInfo, error) {
	s.expireIdle()
	if _, err := s.lookup(ctx, false); err != nil {
		return nil, err
	}
	return &pb.ServiceInfo{Name: service.Name, Version: Version, Consumes: service.Consumes, Emits: service.Emits,
		Language: "go"}, nil
}

// Reset opens a session: a fresh service with the config (JSON text; empty for defaults) and the run id.
func (s *Server) Reset(_ context.Context, req *pb.ResetRequest) (*pb.ResetReply, error) {
	s.expireIdle()
	if len(req.Config) > MaxConfigBytes {
		return nil, statusf(codes.InvalidArgument, "%s: bad config: %d characters; at most %d", service.Name,
			len(req.Config), MaxConfigBytes)
	}
	cfg, err := config.Parse(req.Config)
	if err != nil {
		return nil, statusf(codes.InvalidArgument, "%s: bad config: %v", service.Name, err)
	}
	runID := req.RunId
	if runID == "" {
		runID = ids.RunID("default")
	}
	raw := make([]byte, 16)
	if _, err := rand.Read(raw); err != nil {
		return nil, statusf(codes.Internal, "%s: no session id: %v", service.Name, err)
	}
	id := hex.EncodeToString(raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sessions) >= s.opts.MaxSessions {
		return nil, statusf(codes.ResourceExhausted, "%s: busy: %d sessions open, the most this server serves "+
			"(--max-sessions); try again when a run ends", service.Name, len(s.sessions))
	}
	s.sessions[id] = &session{svc: service.New(cfg, runID), lastUsed: time.Now()}
	return &pb.ResetReply{Service: service.Name, SessionId: id}, nil
}

// Process answers every Frame of the named session with one FrameResult holding one Batch per input, in order.
func (s *Server) Process(stream pb.PipelineService_ProcessServer) error {
	s.expireIdle()
	sess, err := s.lookup(stream.Context(), true)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	id, _ := sessionID(stream.Context())
	s.mu.Lock()
	if sess.cancel != nil {
		s.mu.Unlock()
		return statusf(codes.FailedPrecondition, "%s: session %s already has a Process stream", service.Name, id)
	}
	sess.cancel = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.sessions, id)
		s.mu.Unlock()
	}()
	frames := make(chan *pb.Frame)
	failed := make(chan error, 1)
	go func() { // Recv blocks; reading here lets an idle session's cancel end the stream
		for {
			frame, err := stream.Recv()
			if err != nil {
				failed <- err
				return
			}
			select {
			case frames <- frame:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return statusf(codes.Canceled, "%s: session %s ended (idle for %s)", service.Name, id, s.opts.IdleTimeout)
		case err := <-failed:
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		case frame := <-frames:
			s.touch(sess)
			result, err := handleFrame(sess.svc, frame)
			if err != nil {
				return err
			}
			if err := stream.Send(result); err != nil {
				return err
			}
			s.touch(sess)
		}
	}
}

func (s *Server) touch(sess *session) {
	s.mu.Lock()
	sess.lastUsed = time.Now()
	s.mu.Unlock()
}

func handleFrame(svc *service.Service, frame *pb.Frame) (*pb.FrameResult, error) {
	result := &pb.FrameResult{Batches: make([]*pb.Batch, 0, len(frame.Events))}
	for _, env := range frame.Events {
		out, err := svc.Handle(env)
		if err != nil {
			return nil, statusOf(err)
		}
		result.Batches = append(result.Batches, &pb.Batch{InputEventId: env.EventId, Events: out})
	}
	return result, nil
}

func statusOf(err error) error {
	var contract *service.ContractError
	var illegal *sm.Error
	if errors.As(err, &contract) || errors.As(err, &illegal) {
		return status.Error(codes.InvalidArgument, Bounded(err.Error()))
	}
	return status.Error(codes.Internal, Bounded(err.Error()))
}

// TokenCheck returns interceptors that refuse every call without "authorization: Bearer <token>"
// (UNAUTHENTICATED), comparing in constant time.
func TokenCheck(token string) []grpc.ServerOption {
	expected := []byte("Bearer " + token)
	check := func(ctx context.Context) error {
		md, _ := metadata.FromIncomingContext(ctx)
		for _, value := range md.Get(TokenKey) {
			if subtle.ConstantTimeCompare([]byte(value), expected) == 1 {
				return nil
			}
		}
		return status.Error(codes.Unauthenticated, "missing or wrong token (authorization metadata)")
	}
	return []grpc.ServerOption{
		grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
			if err := check(ctx); err != nil {
				return nil, err
			}
			return h(ctx, req)
		}),
		grpc.StreamInterceptor(func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
			if err := check(ss.Context()); err != nil {
				return err
			}
			return h(srv, ss)
		}),
	}
}

// Listen opens the TCP port; a port already in use is an error (Go sets no SO_REUSEPORT, so a second server
// never shares it).
func Listen(host string, port int) (net.Listener, error) {
	listener, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port)))
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s:%d (is the port in use?): %w", host, port, err)
	}
	return listener, nil
}

// TLS returns the option that serves over TLS with the PEM certificate chain and key; with a client CA, clients
// must present a certificate it signed.
func TLS(certFile, keyFile, clientCAFile string) (grpc.ServerOption, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("TLS: %w", err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}
	if clientCAFile != "" {
		pem, err := os.ReadFile(clientCAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS: %s holds no PEM certificate", clientCAFile)
		}
		conf.ClientCAs, conf.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return grpc.Creds(credentials.NewTLS(conf)), nil
}
