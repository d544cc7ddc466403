package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the window's theme: Fyne's default with the text colours a
// screenshot must keep readable raised to at least 4.5:1 (WCAG AA) on every
// background they are drawn on, in light and dark. Fyne draws disabled
// entries and low-importance labels (timestamps, field values during a
// run) in ColorNameDisabled, which is about 1.3:1 by default.
// cmd/mailoauth-tester sets it with App.Settings().SetTheme.
func Theme() fyne.Theme { return appTheme{} }

type appTheme struct{}

// textColours are the colours that draw text, per variant.
var textColours = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.NRGBA{
	theme.VariantLight: {
		theme.ColorNameForeground:  {0x30, 0x30, 0x30, 0xff},
		theme.ColorNameDisabled:    {0x5c, 0x5c, 0x5c, 0xff},
		theme.ColorNamePlaceHolder: {0x5a, 0x5a, 0x5a, 0xff},
		theme.ColorNamePrimary:     {0x15, 0x5b, 0xc7, 0xff},
		theme.ColorNameHyperlink:   {0x12, 0x52, 0xb5, 0xff},
		theme.ColorNameSuccess:     {0x14, 0x66, 0x24, 0xff},
		theme.ColorNameWarning:     {0x8a, 0x44, 0x00, 0xff},
		theme.ColorNameError:       {0xb0, 0x1c, 0x16, 0xff},
	},
	theme.VariantDark: {
		theme.ColorNameForeground:  {0xf3, 0xf3, 0xf3, 0xff},
		theme.ColorNameDisabled:    {0xa6, 0xa6, 0xa6, 0xff},
		theme.ColorNamePlaceHolder: {0xa6, 0xa6, 0xa6, 0xff},
		theme.ColorNamePrimary:     {0x1f, 0x62, 0xe0, 0xff},
		theme.ColorNameHyperlink:   {0x7a, 0xaa, 0xff, 0xff},
		theme.ColorNameSuccess:     {0x43, 0xf4, 0x36, 0xff},
		theme.ColorNameWarning:     {0xff, 0x98, 0x00, 0xff},
		theme.ColorNameError:       {0xff, 0x85, 0x7a, 0xff},
	},
}

func (appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if c, ok := textColours[v][n]; ok {
		return c
	}
	if n == theme.ColorNameForegroundOnError && v == theme.VariantDark {
		return color.NRGBA{0x17, 0x17, 0x18, 0xff}
	}
	return theme.DefaultTheme().Color(n, v)
}

func (appTheme) Font(s fyne.TextStyle) fyne.Resource     { return theme.DefaultTheme().Font(s) }
func (appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (appTheme) Size(n fyne.ThemeSizeName) float32       { return theme.DefaultTheme().Size(n) }
