package engine

import (
	"fmt"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/diagnose"
	"github.com/mailoauth/mailoauth-tester/core/visible"
)

// startText is the run's first line.
func (r *run) startText() string {
	if r.j.Environment() {
		return fmt.Sprintf("Environment check for %s (no credentials given)", r.j.cloud.Title)
	}
	if !r.j.flow.OAuth {
		return fmt.Sprintf("Testing %s with a password login (%s)", r.j.p.Mailbox, r.j.Input().Provider)
	}
	if r.j.flow.Delegated {
		return fmt.Sprintf("Testing %s as %s with app %s in tenant %s (%s)", r.j.p.Mailbox, r.j.p.SignInUser(), r.j.p.ClientID, r.j.p.Tenant, r.j.p.Flow.Title())
	}
	return fmt.Sprintf("Testing %s with app %s in tenant %s (%s, %s)", r.j.p.Mailbox, r.j.p.ClientID, r.j.p.Tenant, r.j.p.Flow, r.j.Input().Credential)
}

// verdict counts the steps and writes the banner line.
func verdict(res *Result) (bool, string) {
	var ok, warn, fail, skipped int
	var firstFail, firstWarn *StepResult
	for i := range res.Steps {
		s := &res.Steps[i]
		switch s.Status {
		case OK:
			ok++
		case Warn:
			warn++
			if firstWarn == nil {
				firstWarn = s
			}
		case Fail:
			fail++
			if firstFail == nil {
				firstFail = s
			}
		case Skipped:
			skipped++
		}
	}
	n := len(res.Steps)
	took := seconds(res.Duration)
	switch {
	case res.Cancelled:
		return false, fmt.Sprintf("Cancelled after %s — %d of %d checks finished", took, ok+warn+fail, n)
	case fail > 0:
		s := fmt.Sprintf("%d of %d %s failed", fail, n, visible.Plural(n, "check", "checks"))
		if skipped > 0 {
			s += fmt.Sprintf(", %d skipped", skipped)
		}
		return false, s + " — " + reason(firstFail)
	case skipped > 0:
		return false, fmt.Sprintf("%d of %d checks did not run — %s", skipped, n, reason(firstSkipped(res)))
	case warn > 0:
		return true, fmt.Sprintf("%d of %d checks passed, %d with a warning, in %s — %s", ok+warn, n, warn, took, reason(firstWarn))
	}
	if n == 1 {
		return true, fmt.Sprintf("The check passed in %s", took)
	}
	return true, fmt.Sprintf("All %d checks passed in %s", n, took)
}

func firstSkipped(res *Result) *StepResult {
	for i := range res.Steps {
		if res.Steps[i].Status == Skipped {
			return &res.Steps[i]
		}
	}
	return nil
}

func reason(s *StepResult) string {
	if s == nil {
		return ""
	}
	if s.Diagnosis != nil && s.Diagnosis.ID != diagnose.Unknown {
		return s.Title + ": " + s.Diagnosis.Title
	}
	return s.Title + ": " + s.Detail
}

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}
