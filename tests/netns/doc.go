// Package netns builds throw-away network topologies for privileged system
// tests: named network namespaces, veth pairs with one end inside a
// namespace, commands run inside them, and packet sockets opened in them.
// Everything it creates is removed by t.Cleanup, even when the test fails.
package netns
