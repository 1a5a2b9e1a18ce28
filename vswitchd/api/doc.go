// Package api is the gRPC management API of xvs vswitchd: the service
// description, its messages, the server side (Register, over a Backend the
// daemon implements) and the client side (Dial, Client, and a
// datapath.Datapath that works through the daemon).
//
// The service is described by hand (a grpc.ServiceDesc) and its messages
// travel as JSON under the "json" content subtype, instead of protobuf: the
// build then needs no protoc and no generated code, and any gRPC client can
// call it with a JSON codec. The service is "xvs.Vswitchd"; methods are
// listed in service.go. The daemon listens on <rundir>/vswitchd.sock, a unix
// socket of mode 0600.
package api
