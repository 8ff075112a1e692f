// Package server puts the execution service behind the generated PipelineService (docs/architecture.md §5):
// Describe reports what it consumes and emits, Reset clears its state and applies a JSON config, Process is
// lockstep (one FrameResult per Frame, one Batch per input event, in order). Errors are answered like the
// Python host answers them: a bad config or an input that breaks its contract is INVALID_ARGUMENT.
package server

import (
	"context"
	"errors"
	"io"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"qtrader/go/execution/config"
	"qtrader/go/execution/service"
	sm "qtrader/go/execution/statemachine"
	pb "qtrader/go/gen/qtraderv1"
	"qtrader/go/ids"
)

// Version is reported by Describe.
const Version = "0.1.0"

// MaxMessageBytes bounds a message each way (as the Python host: 64 MiB).
const MaxMessageBytes = 64 << 20

// Server serves one ExecutionService; calls are serialised, so a run stays one deterministic sequence.
type Server struct {
	pb.UnimplementedPipelineServiceServer
	mu  sync.Mutex
	svc *service.Service
}

// New returns a server whose service has the default config until the first Reset.
func New() *Server {
	return &Server{svc: service.New(nil, ids.RunID("default"))}
}

// Register adds the server to a gRPC server.
func (s *Server) Register(g *grpc.Server) { pb.RegisterPipelineServiceServer(g, s) }

// NewGRPC is a gRPC server with the message size limits, serving s.
func NewGRPC(s *Server) *grpc.Server {
	g := grpc.NewServer(grpc.MaxRecvMsgSize(MaxMessageBytes), grpc.MaxSendMsgSize(MaxMessageBytes))
	s.Register(g)
	return g
}

// Describe: name, version, event types consumed and emitted, language.
func (s *Server) Describe(context.Context, *pb.DescribeRequest) (*pb.ServiceInfo, error) {
	return &pb.ServiceInfo{Name: service.Name, Version: Version, Consumes: service.Consumes, Emits: service.Emits,
		Language: "go"}, nil
}

// Reset drops all state and applies the config (JSON text; empty for defaults) and the run id.
func (s *Server) Reset(_ context.Context, req *pb.ResetRequest) (*pb.ResetReply, error) {
	cfg, err := config.Parse(req.Config)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "%s: bad config: %v", service.Name, err)
	}
	runID := req.RunId
	if runID == "" {
		runID = ids.RunID("default")
	}
	s.mu.Lock()
	s.svc.Reset(cfg, runID)
	s.mu.Unlock()
	return &pb.ResetReply{Service: service.Name}, nil
}

// Process answers every Frame with one FrameResult holding one Batch per input event, in order.
func (s *Server) Process(stream pb.PipelineService_ProcessServer) error {
	for {
		frame, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		result, err := s.handleFrame(frame)
		if err != nil {
			return err
		}
		if err := stream.Send(result); err != nil {
			return err
		}
	}
}

func (s *Server) handleFrame(frame *pb.Frame) (*pb.FrameResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	result := &pb.FrameResult{Batches: make([]*pb.Batch, 0, len(frame.Events))}
	for _, env := range frame.Events {
		out, err := s.svc.Handle(env)
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
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}
