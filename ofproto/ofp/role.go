package ofp

// OFPT_ROLE_REQUEST and OFPT_ROLE_REPLY (spec 1.3.5 §7.3.9).

import (
	"encoding/binary"
	"fmt"
)

// Controller roles (enum ofp_controller_role).
const (
	RoleNoChange uint32 = 0
	RoleEqual    uint32 = 1
	RoleMaster   uint32 = 2
	RoleSlave    uint32 = 3
)

// Role is the body of a role request and reply.
type Role struct {
	Role         uint32 `json:"role"`
	GenerationID uint64 `json:"generation_id"`
}

// RoleRequest is OFPT_ROLE_REQUEST.
type RoleRequest struct{ Role }

// RoleReply is OFPT_ROLE_REPLY.
type RoleReply struct{ Role }

func (r *Role) appendBody(b []byte, _ uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint32(b, r.Role)
	b = appendPad4(b)
	return binary.BigEndian.AppendUint64(b, r.GenerationID), nil
}

func (r *Role) unmarshalBody(b []byte, _ uint8) error {
	if len(b) != 16 {
		return badRequest(BRCBadLen, "role: body %d bytes, want 16", len(b))
	}
	r.Role = binary.BigEndian.Uint32(b[0:4])
	r.GenerationID = binary.BigEndian.Uint64(b[8:16])
	return nil
}

// Validate refuses an unknown role (OFPRRFC_BAD_ROLE).
func (r *Role) Validate() error {
	if r.Role > RoleSlave {
		return errf(ETRoleRequestFailed, RRFCBadRole, "role %d", r.Role)
	}
	return nil
}

// ovs-ofctl names master and slave "primary" and "secondary".
var roleNames = [...]string{"nochange", "equal", "primary", "secondary"}

func (r *Role) formatBody(uint8) string {
	if r.Role == RoleNoChange {
		return " role=nochange"
	}
	name := fmt.Sprint(r.Role)
	if int(r.Role) < len(roleNames) {
		name = roleNames[r.Role]
	}
	if r.GenerationID == ^uint64(0) { // "undefined" (§7.3.9)
		return " role=" + name
	}
	return fmt.Sprintf(" role=%s generation_id=%d", name, r.GenerationID)
}
