package cloud

import (
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	c, err := Lookup(" GLOBAL ")
	if err != nil || c.Name != "global" || c.ExchangeScope() != "https://outlook.office365.com/.default" || c.AuthorityHostName() != "login.microsoftonline.com" {
		t.Errorf("Lookup(global) = %+v, %v", c, err)
	}
	if _, err := Lookup("mars"); err == nil || !strings.Contains(err.Error(), "global") {
		t.Errorf("Lookup(mars) = %v, want an error naming the known clouds", err)
	}
}
