package sdk

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// server holds the configured instances of one plugin process and serves the
// four protocol services over them.
type server struct {
	p      Plugin
	logger hclog.Logger

	// lane is set when the fast lane is listening (Describe offers it).
	lane bool

	mu        sync.RWMutex
	stages    map[string]Stage
	providers map[string]Provider
	trackers  map[string]Tracker
}

func newServer(p Plugin, logger hclog.Logger) *server {
	return &server{
		p:         p,
		logger:    logger,
		stages:    map[string]Stage{},
		providers: map[string]Provider{},
		trackers:  map[string]Tracker{},
	}
}

func (s *server) register(g *grpc.Server) {
	pb.RegisterPluginServer(g, &lifecycleService{s: s})
	if s.p.Stage != nil {
		pb.RegisterStageServer(g, &stageService{s: s})
	}
	if s.p.Provider != nil {
		pb.RegisterProviderServer(g, &providerService{s: s})
	}
	if s.p.Tracker != nil {
		pb.RegisterTrackerServer(g, &trackerService{s: s})
	}
}

// describe answers Describe from the Plugin value.
func (s *server) describe() *pb.DescribeResponse {
	var kinds []string
	if s.p.Stage != nil {
		kinds = append(kinds, KindStage)
	}
	if s.p.Provider != nil {
		kinds = append(kinds, KindProvider)
	}
	if s.p.Tracker != nil {
		kinds = append(kinds, KindTracker)
	}
	caps := append([]string(nil), s.p.Capabilities...)
	if s.p.Provider != nil {
		caps = append(caps, CapProviderStream, CapProviderAssemble)
	}
	if s.lane {
		caps = append(caps, CapLane)
	}
	sort.Strings(caps)
	return &pb.DescribeResponse{
		Name:             s.p.Name,
		Version:          s.p.Version,
		Kinds:            kinds,
		ProtocolVersions: SupportedProtocolVersions,
		Capabilities:     caps,
		ConfigSchema:     s.p.ConfigSchema,
	}
}

func (s *server) configure(req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	cfg := Config{
		InstanceID: req.InstanceId,
		Name:       instanceName(req.InstanceId),
		Kind:       req.Kind,
		Raw:        req.ConfigJson,
		Host:       req.Host,
		Logger:     s.logger.Named(instanceName(req.InstanceId)),
	}
	if cfg.Host == nil {
		cfg.Host = &pb.HostInfo{}
	}
	var (
		inst any
		err  error
	)
	switch req.Kind {
	case KindStage:
		if s.p.Stage == nil {
			return nil, status.Errorf(codes.Unimplemented, "plugin %q does not serve kind %q", s.p.Name, req.Kind)
		}
		inst, err = s.p.Stage(cfg)
	case KindProvider:
		if s.p.Provider == nil {
			return nil, status.Errorf(codes.Unimplemented, "plugin %q does not serve kind %q", s.p.Name, req.Kind)
		}
		inst, err = s.p.Provider(cfg)
	case KindTracker:
		if s.p.Tracker == nil {
			return nil, status.Errorf(codes.Unimplemented, "plugin %q does not serve kind %q", s.p.Name, req.Kind)
		}
		inst, err = s.p.Tracker(cfg)
	default:
		return nil, status.Errorf(codes.InvalidArgument, "unknown kind %q", req.Kind)
	}
	if err != nil {
		if IsConfigError(err) {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	resp := &pb.ConfigureResponse{}
	if d, ok := inst.(interface{ Info() map[string]string }); ok {
		resp.Info = d.Info()
	}
	if c, ok := inst.(CapabilityReporter); ok {
		resp.Capabilities = c.Capabilities()
		resp.InstanceCapabilities = true
		if _, ok := inst.(Provider); ok && !slices.Contains(resp.Capabilities, CapProviderAssemble) {
			// The SDK assembles, whatever the instance declares.
			resp.Capabilities = append(resp.Capabilities, CapProviderAssemble)
		}
	}
	s.mu.Lock()
	old := s.takeLocked(req.InstanceId)
	switch v := inst.(type) {
	case Stage:
		s.stages[req.InstanceId] = v
	case Provider:
		s.providers[req.InstanceId] = v
	case Tracker:
		s.trackers[req.InstanceId] = v
	}
	s.mu.Unlock()
	closeInstance(old, s.logger)
	return resp, nil
}

// takeLocked removes an instance from every map and returns it.
func (s *server) takeLocked(id string) any {
	var old any
	if v, ok := s.stages[id]; ok {
		old = v
		delete(s.stages, id)
	}
	if v, ok := s.providers[id]; ok {
		old = v
		delete(s.providers, id)
	}
	if v, ok := s.trackers[id]; ok {
		old = v
		delete(s.trackers, id)
	}
	return old
}

func (s *server) close(id string) {
	s.mu.Lock()
	old := s.takeLocked(id)
	s.mu.Unlock()
	closeInstance(old, s.logger)
}

// closeAll releases every instance (the process is shutting down).
func (s *server) closeAll() {
	s.mu.Lock()
	var ids []string
	for id := range s.stages {
		ids = append(ids, id)
	}
	for id := range s.providers {
		ids = append(ids, id)
	}
	for id := range s.trackers {
		ids = append(ids, id)
	}
	s.mu.Unlock()
	for _, id := range ids {
		s.close(id)
	}
}

func closeInstance(inst any, logger hclog.Logger) {
	if c, ok := inst.(Closer); ok {
		if err := c.Close(); err != nil {
			logger.Warn("closing instance failed", "error", err)
		}
	}
}

func (s *server) stage(id string) (Stage, error) {
	s.mu.RLock()
	v, ok := s.stages[id]
	s.mu.RUnlock()
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no stage instance %q", id)
	}
	return v, nil
}

func (s *server) provider(id string) (Provider, error) {
	s.mu.RLock()
	v, ok := s.providers[id]
	s.mu.RUnlock()
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no provider instance %q", id)
	}
	return v, nil
}

func (s *server) tracker(id string) (Tracker, error) {
	s.mu.RLock()
	v, ok := s.trackers[id]
	s.mu.RUnlock()
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no tracker instance %q", id)
	}
	return v, nil
}

// instanceName strips the "@generation" suffix the host adds to instance ids.
func instanceName(id string) string {
	for i := len(id) - 1; i >= 0; i-- {
		if id[i] == '@' {
			return id[:i]
		}
	}
	return id
}

type lifecycleService struct {
	pb.UnimplementedPluginServer
	s *server
}

func (l *lifecycleService) Describe(context.Context, *pb.DescribeRequest) (*pb.DescribeResponse, error) {
	return l.s.describe(), nil
}

func (l *lifecycleService) Configure(_ context.Context, req *pb.ConfigureRequest) (*pb.ConfigureResponse, error) {
	if req.InstanceId == "" {
		return nil, status.Error(codes.InvalidArgument, "instance_id is required")
	}
	return l.s.configure(req)
}

func (l *lifecycleService) Close(_ context.Context, req *pb.CloseRequest) (*pb.CloseResponse, error) {
	l.s.close(req.InstanceId)
	return &pb.CloseResponse{}, nil
}

type stageService struct {
	pb.UnimplementedStageServer
	s *server
}

func (st *stageService) Process(ctx context.Context, req *pb.StageRequest) (*pb.StageResponse, error) {
	inst, err := st.s.stage(req.InstanceId)
	if err != nil {
		return nil, err
	}
	resp, err := inst.Process(ctx, req)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	if resp == nil {
		resp = Continue()
	}
	return resp, nil
}

func (st *stageService) After(ctx context.Context, req *pb.StageAfterRequest) (*pb.StageAfterResponse, error) {
	inst, err := st.s.stage(req.InstanceId)
	if err != nil {
		return nil, err
	}
	if a, ok := inst.(StageAfter); ok {
		if err := a.After(ctx, req); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	}
	return &pb.StageAfterResponse{}, nil
}

func (st *stageService) Admin(ctx context.Context, req *pb.AdminRequest) (*pb.AdminResponse, error) {
	inst, err := st.s.stage(req.InstanceId)
	if err != nil {
		return nil, err
	}
	a, ok := inst.(StageAdmin)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "this stage serves no admin routes")
	}
	resp, err := a.Admin(ctx, req)
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return resp, nil
}

type providerService struct {
	pb.UnimplementedProviderServer
	s *server
}

func (ps *providerService) Complete(ctx context.Context, req *pb.CompleteRequest) (*pb.CompleteResponse, error) {
	inst, err := ps.s.provider(req.InstanceId)
	if err != nil {
		return nil, err
	}
	if req.Assemble != nil {
		return assemble(ctx, inst, req)
	}
	resp, err := inst.Complete(ctx, req)
	if err != nil {
		return &pb.CompleteResponse{Error: AsProviderError(err)}, nil
	}
	if resp == nil {
		return &pb.CompleteResponse{Error: &pb.ProviderError{Class: ClassTransport, Message: "provider returned no answer"}}, nil
	}
	return resp, nil
}

func (ps *providerService) Stream(req *pb.CompleteRequest, srv grpc.ServerStreamingServer[pb.StreamChunk]) error {
	return ps.stream(srv.Context(), req, srv.Send)
}

// stream serves one Stream call on either lane: a provider failure is a last
// chunk with error set, so its class crosses.
func (ps *providerService) stream(ctx context.Context, req *pb.CompleteRequest, send func(*pb.StreamChunk) error) error {
	inst, err := ps.s.provider(req.InstanceId)
	if err != nil {
		return err
	}
	err = inst.Stream(ctx, req, send)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return send(&pb.StreamChunk{Error: AsProviderError(err)})
	}
	return nil
}

func (ps *providerService) Embed(ctx context.Context, req *pb.EmbedRequest) (*pb.EmbedResponse, error) {
	inst, err := ps.s.provider(req.InstanceId)
	if err != nil {
		return nil, err
	}
	e, ok := inst.(Embedder)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "this provider serves no embeddings")
	}
	resp, err := e.Embed(ctx, req)
	if err != nil {
		return &pb.EmbedResponse{Error: AsProviderError(err)}, nil
	}
	if resp == nil {
		return &pb.EmbedResponse{Error: &pb.ProviderError{Class: ClassTransport, Message: "provider returned no answer"}}, nil
	}
	return resp, nil
}

func (ps *providerService) CountTokens(ctx context.Context, req *pb.CountTokensRequest) (*pb.CountTokensResponse, error) {
	inst, err := ps.s.provider(req.InstanceId)
	if err != nil {
		return nil, err
	}
	c, ok := inst.(TokenCounter)
	if !ok {
		return nil, status.Error(codes.Unimplemented, "this provider counts no tokens")
	}
	resp, err := c.CountTokens(ctx, req)
	if err != nil {
		return &pb.CountTokensResponse{Error: AsProviderError(err)}, nil
	}
	if resp == nil {
		return &pb.CountTokensResponse{Error: &pb.ProviderError{Class: ClassTransport, Message: "provider returned no answer"}}, nil
	}
	return resp, nil
}

type trackerService struct {
	pb.UnimplementedTrackerServer
	s *server
}

func (ts *trackerService) Track(ctx context.Context, req *pb.TrackRequest) (*pb.TrackResponse, error) {
	inst, err := ts.s.tracker(req.InstanceId)
	if err != nil {
		return nil, err
	}
	acked, err := inst.Track(ctx, req.Events)
	if err != nil && len(acked) == 0 {
		return nil, status.Error(codes.Unavailable, fmt.Sprintf("track: %v", err))
	}
	resp := &pb.TrackResponse{AckedIds: acked}
	if r, ok := inst.(StateReporter); ok {
		resp.State = r.State()
	}
	return resp, nil
}
