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

// TestCloudsSwitchEveryHost: no host of one cloud leaks into another.
func TestCloudsSwitchEveryHost(t *testing.T) {
	for _, c := range All {
		hosts := []string{c.AuthorityHost, c.ExchangeResource, c.IMAPHost, c.POPHost, c.SMTPHost, c.GraphHost, c.PortalHost}
		for _, h := range hosts {
			if h == "" {
				t.Errorf("%s has an empty host: %+v", c.Name, c)
			}
		}
		if c.Name == "global" {
			continue
		}
		for _, h := range hosts {
			for _, g := range []string{"microsoftonline.com", "office365.com", "graph.microsoft.com", "portal.azure.com"} {
				if strings.Contains(h, g) {
					t.Errorf("%s uses the worldwide host %s", c.Name, h)
				}
			}
		}
		if got, _ := Lookup(c.Name); got != c {
			t.Errorf("Lookup(%s) differs", c.Name)
		}
	}
	if c, ok := ByInstance("microsoftonline.us"); !ok || c.Name != "usgov" {
		t.Errorf("ByInstance(microsoftonline.us) = %v", c.Name)
	}
}
