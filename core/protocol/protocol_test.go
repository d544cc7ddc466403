package protocol

import (
	"testing"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
)

func TestSendOnly(t *testing.T) {
	def := Default()
	got := def.SendOnly(Graph)
	if len(got) != len(def) {
		t.Fatalf("SendOnly() has %d rows, want %d", len(got), len(def))
	}
	for i, s := range got {
		if s.Name != def[i].Name {
			t.Errorf("row %d is %s, want %s in the same place", i, s.Name, def[i].Name)
		}
		if s.Name != Graph {
			if s.OnlySends || s.Title != def[i].Title {
				t.Errorf("row %s changed", s.Name)
			}
			continue
		}
		if !s.OnlySends || s.SendOnly != nil || s.Title != "Graph (send only)" || s.SendPermission != "" ||
			len(s.AppRoles) != 1 || s.AppRoles[0] != "Mail.Send" || !s.RBAC || s.Host(cloud.Global) != def[i].Host(cloud.Global) {
			t.Errorf("send-only Graph row = %+v", s)
		}
	}
	if g, _ := def.Lookup(Graph); g.OnlySends || g.SendOnly == nil {
		t.Error("SendOnly changed the table it was called on")
	}
	if s, _ := def.SendOnly(IMAP).Lookup(IMAP); s.OnlySends || s.Title != "IMAP" {
		t.Error("a row without a send-only variant was replaced")
	}
}
