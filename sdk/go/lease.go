package sdk

import (
	"context"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Quota leases: a stage that declares CapStageLease (and the request fields
// its decision depends on, LeaseKeyCap) may answer a CONTINUE with a
// StageLease; the host then admits that many more requests with the same
// values of those fields without calling the stage, and gives back what it
// did not use through StageLeaser.Release. docs/writing-plugins.md, "Quota
// leases", has the contract.
const (
	// CapStageLease says the stage may grant leases. Without at least one
	// LeaseKeyCap the host grants nothing to itself (it could not tell which
	// requests a lease covers).
	CapStageLease = "stage.lease"
	// capLeaseKeyPrefix starts the capabilities naming a key field.
	capLeaseKeyPrefix = "stage.lease.key."
)

// Request fields a lease may be keyed by (LeaseKeyCap). A request matches a
// lease when every declared field has exactly the value it had in the
// request that got the lease.
const (
	LeaseKeyClientIP   = "client_ip"
	LeaseKeyAPIKeyHash = "api_key_hash"
	// LeaseKeyModel is the chat request's model, or the embeddings request's.
	LeaseKeyModel = "model"
	LeaseKeyRoute = "route"
	// LeaseKeyEndUser is the request's end user (RequestEndUser).
	LeaseKeyEndUser = "end_user"
	// LeaseKeyHeaderPrefix + a lower-case header name.
	LeaseKeyHeaderPrefix = "header:"
	// LeaseKeyAnnotationPrefix + an annotation an earlier stage set.
	LeaseKeyAnnotationPrefix = "annotation:"
)

// LeaseKeyCap is the capability declaring that a lease's decision depends on
// the request field field (one of the LeaseKey… names).
func LeaseKeyCap(field string) string { return capLeaseKeyPrefix + field }

// LeaseKeyFields returns the key fields caps declare, and false when caps do
// not declare CapStageLease or name a field this SDK does not know (a host
// then never serves that stage from a lease).
func LeaseKeyFields(caps []string) ([]string, bool) {
	lease := false
	var fields []string
	for _, c := range caps {
		if c == CapStageLease {
			lease = true
			continue
		}
		f, ok := strings.CutPrefix(c, capLeaseKeyPrefix)
		if !ok {
			continue
		}
		switch {
		case f == LeaseKeyClientIP, f == LeaseKeyAPIKeyHash, f == LeaseKeyModel, f == LeaseKeyRoute, f == LeaseKeyEndUser:
		case strings.HasPrefix(f, LeaseKeyHeaderPrefix) && len(f) > len(LeaseKeyHeaderPrefix) && f == strings.ToLower(f):
		case strings.HasPrefix(f, LeaseKeyAnnotationPrefix) && len(f) > len(LeaseKeyAnnotationPrefix):
		default:
			return nil, false
		}
		fields = append(fields, f)
	}
	return fields, lease && len(fields) > 0
}

// LeaseKeyValue is the value of one key field in a stage request.
func LeaseKeyValue(req *StageRequest, field string) string {
	switch field {
	case LeaseKeyClientIP:
		return req.GetClientIp()
	case LeaseKeyAPIKeyHash:
		return req.GetApiKeyHash()
	case LeaseKeyModel:
		return RequestModel(req)
	case LeaseKeyRoute:
		return req.GetRoute()
	case LeaseKeyEndUser:
		return RequestEndUser(req)
	}
	if h, ok := strings.CutPrefix(field, LeaseKeyHeaderPrefix); ok {
		return req.GetHeaders()[h]
	}
	if a, ok := strings.CutPrefix(field, LeaseKeyAnnotationPrefix); ok {
		return req.GetAnnotations()[a]
	}
	return ""
}

// Lease message types, re-exported.
type (
	StageLease    = pb.StageLease
	LeaseRelease  = pb.LeaseRelease
	ReleasedLease = pb.ReleasedLease
)

// StageLeaser is implemented by stages that grant leases: Release takes back
// the permits the host did not use. It must accept ids it no longer knows
// (the host may release after a restart of the stage's process).
type StageLeaser interface {
	Release(ctx context.Context, leases []*ReleasedLease) error
}

func (st *stageService) Release(ctx context.Context, req *pb.LeaseRelease) (*pb.LeaseReleaseResponse, error) {
	inst, err := st.s.stage(req.InstanceId)
	if err != nil {
		return nil, err
	}
	if l, ok := inst.(StageLeaser); ok {
		if err := l.Release(ctx, req.Leases); err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
	}
	return &pb.LeaseReleaseResponse{}, nil
}
