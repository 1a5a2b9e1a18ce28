package vswitchd

// Link state of the netdevs behind system ports, from rtnetlink: the
// initial state when a port is added, then every change (RTM_NEWLINK,
// RTM_DELLINK) as it happens.

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// LinkEvent is the state of one netdev.
type LinkEvent struct {
	Name    string
	IfIndex int
	MAC     net.HardwareAddr
	MTU     int
	AdminUp bool // IFF_UP
	LinkUp  bool // IFF_RUNNING: carrier (for a veth: its peer is up too)
	Gone    bool // the netdev was deleted
}

// LinkSource tells vswitchd about netdevs. The daemon uses rtnetlink;
// tests with an in-memory datapath pass none.
type LinkSource interface {
	// Lookup returns a netdev's state now; ErrNoDevice when it does not exist.
	Lookup(name string) (LinkEvent, error)
	// Subscribe delivers every change until ctx ends; then the channel closes.
	Subscribe(ctx context.Context) (<-chan LinkEvent, error)
}

// ErrNoDevice says a netdev does not exist.
var ErrNoDevice = errors.New("no such device")

// netlinkSource is the rtnetlink LinkSource.
type netlinkSource struct{}

func linkEvent(l netlink.Link) LinkEvent {
	a := l.Attrs()
	return LinkEvent{Name: a.Name, IfIndex: a.Index, MAC: a.HardwareAddr, MTU: a.MTU,
		AdminUp: a.Flags&net.FlagUp != 0, LinkUp: a.RawFlags&unix.IFF_RUNNING != 0}
}

func (netlinkSource) Lookup(name string) (LinkEvent, error) {
	l, err := netlink.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return LinkEvent{}, fmt.Errorf("%s: %w", name, ErrNoDevice)
		}
		return LinkEvent{}, err
	}
	return linkEvent(l), nil
}

func (netlinkSource) Subscribe(ctx context.Context) (<-chan LinkEvent, error) {
	updates := make(chan netlink.LinkUpdate, 256)
	done := make(chan struct{})
	err := netlink.LinkSubscribeWithOptions(updates, done, netlink.LinkSubscribeOptions{
		ErrorCallback: func(error) {},
	})
	if err != nil {
		return nil, fmt.Errorf("link subscribe: %w", err)
	}
	out := make(chan LinkEvent, 256)
	go func() {
		defer close(out)
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case u, ok := <-updates:
				if !ok {
					return
				}
				ev := linkEvent(u.Link)
				ev.Gone = u.Header.Type == unix.RTM_DELLINK
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}
