// Package envlocale gives Fyne a locale it can parse when the environment
// names none ("C", "C.UTF-8", "POSIX"), as on minimal Linux systems and in
// CI: Fyne reads the locale while its packages initialise and would log
// "Error parsing user locale C" at every start. Importing this package
// from main is enough: its init runs before Fyne's lang package (which
// waits for github.com/nicksnyder/go-i18n, sorted after this path).
package envlocale

import "os"

func init() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if v == "C" || v == "POSIX" || len(v) > 2 && v[:2] == "C." {
			os.Setenv(k, "en_US.UTF-8")
		}
		return
	}
}
