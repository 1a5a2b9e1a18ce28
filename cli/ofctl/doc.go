// Package ofctl is `xvs ofctl`, the OpenFlow client with the syntax of
// ovs-ofctl. It talks to switches over OpenFlow only.
package ofctl
