package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/xvs-switch/xvs/datapath"
)

// ServiceName is the gRPC service's full name.
const ServiceName = "xvs.Vswitchd"

// Backend is what the daemon provides to the service.
type Backend interface {
	// Appctl runs one command and returns its output; an error is the
	// command's failure message (ovs-appctl prints it and exits 2).
	Appctl(ctx context.Context, cmd string, args []string, format string) (string, error)
	// Datapaths names the datapaths, one per bridge, sorted.
	Datapaths() []string
	// Datapath returns the named datapath, or an error when there is none.
	Datapath(name string) (datapath.Datapath, error)
}

// Method names, as they appear on the wire ("/xvs.Vswitchd/Appctl").
const (
	MethodAppctl     = "Appctl"
	MethodDatapaths  = "ListDatapaths"
	MethodStats      = "DatapathStats"
	MethodPorts      = "DatapathPorts"
	MethodDumpFlows  = "DumpFlows"
	MethodGetFlow    = "GetFlow"
	MethodPutFlow    = "PutFlow"
	MethodDeleteFlow = "DeleteFlow"
	MethodFlush      = "FlushFlows"
)

// Register adds the service to s, served by b.
func Register(s *grpc.Server, b Backend) {
	s.RegisterService(&serviceDesc, b)
}

// serviceDesc describes the service by hand; HandlerType is only checked
// with reflect.Implements, so the Backend interface serves.
var serviceDesc = grpc.ServiceDesc{
	ServiceName: ServiceName,
	HandlerType: (*Backend)(nil),
	Methods: []grpc.MethodDesc{
		unary(MethodAppctl, func(ctx context.Context, b Backend, r *AppctlRequest) (*AppctlReply, error) {
			if r.Command == "" {
				return nil, status.Error(codes.InvalidArgument, "no command")
			}
			out, err := b.Appctl(ctx, r.Command, r.Args, r.Format)
			if err != nil {
				return nil, status.Error(codes.Unknown, err.Error())
			}
			return &AppctlReply{Output: out}, nil
		}),
		unary(MethodDatapaths, func(_ context.Context, b Backend, _ *Empty) (*DatapathList, error) {
			return &DatapathList{Names: b.Datapaths()}, nil
		}),
		unary(MethodStats, withDP(func(dp datapath.Datapath, _ *DatapathRef) (*DatapathStats, error) {
			st, err := dp.Stats()
			return &DatapathStats{Stats: st}, err
		})),
		unary(MethodPorts, withDP(func(dp datapath.Datapath, _ *DatapathRef) (*PortList, error) {
			ps, err := dp.Ports()
			return &PortList{Ports: ps}, err
		})),
		unary(MethodDumpFlows, withDP(func(dp datapath.Datapath, _ *DatapathRef) (*FlowList, error) {
			out := &FlowList{Flows: []Flow{}}
			err := dp.Dump(0, func(fs []datapath.Flow) error {
				for _, f := range fs {
					out.Flows = append(out.Flows, toFlow(f))
				}
				return nil
			})
			return out, err
		})),
		unary(MethodGetFlow, withDP(func(dp datapath.Datapath, r *FlowKeyRequest) (*Flow, error) {
			f, err := dp.Get(r.Key)
			if err != nil {
				return nil, err
			}
			out := toFlow(f)
			return &out, nil
		})),
		unary(MethodPutFlow, withDP(func(dp datapath.Datapath, r *FlowPutRequest) (*Empty, error) {
			acts, err := datapath.ParseActions(r.Actions)
			if err != nil {
				return nil, status.Error(codes.InvalidArgument, err.Error())
			}
			return &Empty{}, dp.Put(r.Key, acts, r.Flags)
		})),
		unary(MethodDeleteFlow, withDP(func(dp datapath.Datapath, r *FlowKeyRequest) (*FlowStatsReply, error) {
			st, err := dp.Delete(r.Key)
			return &FlowStatsReply{Stats: st}, err
		})),
		unary(MethodFlush, withDP(func(dp datapath.Datapath, _ *DatapathRef) (*Empty, error) {
			return &Empty{}, dp.Flush()
		})),
	},
	Metadata: "vswitchd/api/service.go",
}

// dpRequest is a request that names a datapath.
type dpRequest interface{ datapathName() string }

func (r *DatapathRef) datapathName() string    { return r.Datapath }
func (r *FlowKeyRequest) datapathName() string { return r.Datapath }
func (r *FlowPutRequest) datapathName() string { return r.Datapath }

// withDP resolves the request's datapath and maps datapath errors to gRPC
// codes, which the client maps back to the datapath package's sentinels.
func withDP[Req dpRequest, Resp any](f func(datapath.Datapath, Req) (*Resp, error)) func(context.Context, Backend, Req) (*Resp, error) {
	return func(_ context.Context, b Backend, r Req) (*Resp, error) {
		dp, err := b.Datapath(r.datapathName())
		if err != nil {
			return nil, status.Error(codes.NotFound, err.Error())
		}
		resp, err := f(dp, r)
		if err != nil {
			return nil, toStatus(err)
		}
		return resp, nil
	}
}

// unary builds a method handler that decodes a *Req, calls f and returns its reply.
func unary[Req any, Resp any](name string, f func(context.Context, Backend, *Req) (*Resp, error)) grpc.MethodDesc {
	return grpc.MethodDesc{
		MethodName: name,
		Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			req := new(Req)
			if err := dec(req); err != nil {
				return nil, status.Error(codes.InvalidArgument, fmt.Sprintf("%s: %v", name, err))
			}
			call := func(ctx context.Context, r any) (any, error) { return f(ctx, srv.(Backend), r.(*Req)) }
			if icpt == nil {
				return call(ctx, req)
			}
			return icpt(ctx, req, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/" + ServiceName + "/" + name}, call)
		},
	}
}

// Datapath errors that callers branch on travel as gRPC codes plus the
// sentinel's text, so that the client can give back the same sentinel.
var sentinels = []struct {
	err  error
	code codes.Code
}{
	{datapath.ErrNoSuchFlow, codes.NotFound},
	{datapath.ErrFlowExists, codes.AlreadyExists},
	{datapath.ErrTooManyFlows, codes.ResourceExhausted},
	{datapath.ErrNoSuchPort, codes.NotFound},
	{datapath.ErrPortExists, codes.AlreadyExists},
	{datapath.ErrNoSuchMeter, codes.NotFound},
	{datapath.ErrClosed, codes.Unavailable},
}

func toStatus(err error) error {
	if _, ok := status.FromError(err); ok {
		return err
	}
	for _, s := range sentinels {
		if errors.Is(err, s.err) {
			return status.Error(s.code, err.Error())
		}
	}
	var ae *datapath.ActionError
	if errors.As(err, &ae) {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}

// fromStatus turns a call's error back into the datapath sentinel its
// message names, keeping the server's text.
func fromStatus(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	for _, s := range sentinels {
		if st.Code() == s.code && strings.Contains(st.Message(), s.err.Error()) {
			return &remoteError{msg: st.Message(), sentinel: s.err}
		}
	}
	return errors.New(st.Message())
}

type remoteError struct {
	msg      string
	sentinel error
}

func (e *remoteError) Error() string { return e.msg }
func (e *remoteError) Unwrap() error { return e.sentinel }
