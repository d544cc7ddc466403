package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	const aadsts = `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '396c2760-2fa5-4948-b9d5-9839a7440836'.\r\nTrace ID: 3ce379e4-441f-4eae-9730-fc0220183001\r\nCorrelation ID: 54752956-bf4f-48f1-b808-6ecae2522f59\r\nTimestamp: 2022-06-18 03:16:39Z","error_codes":[7000215]}`
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		id          string
	}{
		{"argument", "", []string{"--json", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant."}, exitOK, "smtp-auth-disabled"},
		{"stdin", aadsts, []string{"--json", "--client-id", "396c2760-2fa5-4948-b9d5-9839a7440836"}, exitOK, "client-secret-invalid"},
		{"unknown", "", []string{"--json", "the printer is on fire"}, exitFailed, "unknown"},
		{"unknown code", "", []string{"--json", "AADSTS9999999: something new"}, exitFailed, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := cli{stdin: tt.stdin}.run(t, append([]string{"explain"}, tt.args...)...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; %s", code, tt.code, errOut)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			for _, k := range []string{"id", "title", "cause", "fix", "links", "codes"} {
				if _, ok := got[k]; !ok {
					t.Errorf("JSON lacks %q: %s", k, out)
				}
			}
			if got["id"] != tt.id {
				t.Errorf("id = %v, want %s", got["id"], tt.id)
			}
		})
	}
	code, out, _ := cli{stdin: aadsts}.run(t, "explain", "--client-id", "396c2760-2fa5-4948-b9d5-9839a7440836")
	if code != exitOK || !strings.Contains(out, "[client-secret-invalid]") || !strings.Contains(out, "appId/396c2760-2fa5-4948-b9d5-9839a7440836") {
		t.Errorf("human explain = %d\n%s", code, out)
	}
	if code, _, _ := (cli{}).run(t, "explain"); code != exitUsage {
		t.Errorf("explain with no text: exit %d, want 2", code)
	}
}
