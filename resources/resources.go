// Package resources holds the files embedded in the app: the icon.
package resources

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed icon.png
var iconPNG []byte

// Icon is the application icon (512×512 PNG), also named in FyneApp.toml.
var Icon = fyne.NewStaticResource("icon.png", iconPNG)
