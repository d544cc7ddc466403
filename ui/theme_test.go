package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestTextContrast computes, from the theme's own colours, the WCAG
// contrast of every colour the window draws text in against every
// background it draws that text on, in light and in dark: at least 4.5:1
// each, so that a screenshot stays readable.
func TestTextContrast(t *testing.T) {
	th := Theme()
	texts := []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameDisabled, theme.ColorNamePlaceHolder,
		theme.ColorNameHyperlink, theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError}
	backgrounds := []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground, theme.ColorNameMenuBackground,
		theme.ColorNameOverlayBackground, theme.ColorNameHeaderBackground, theme.ColorNameButton}
	// Text drawn on a filled button: its colour on the button's.
	onFill := map[fyne.ThemeColorName]fyne.ThemeColorName{
		theme.ColorNameForegroundOnPrimary: theme.ColorNamePrimary,
		theme.ColorNameForegroundOnError:   theme.ColorNameError,
		theme.ColorNameForegroundOnWarning: theme.ColorNameWarning,
		theme.ColorNameForegroundOnSuccess: theme.ColorNameSuccess,
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		name := map[fyne.ThemeVariant]string{theme.VariantLight: "light", theme.VariantDark: "dark"}[v]
		bg := nrgba(th.Color(theme.ColorNameBackground, v))
		var surfaces []struct {
			name string
			c    color.NRGBA
		}
		for _, b := range backgrounds {
			surfaces = append(surfaces, struct {
				name string
				c    color.NRGBA
			}{string(b), over(nrgba(th.Color(b, v)), bg)})
		}
		// The banner and the cards: a status colour at 0x30 over the background.
		for _, s := range []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError} {
			tint := nrgba(th.Color(s, v))
			tint.A = 0x30
			surfaces = append(surfaces, struct {
				name string
				c    color.NRGBA
			}{"tint of " + string(s), over(tint, bg)})
		}
		for _, tx := range texts {
			fg := nrgba(th.Color(tx, v))
			for _, s := range surfaces {
				if r := contrast(over(fg, s.c), s.c); r < 4.5 {
					t.Errorf("%s: %s text on %s = %.2f:1, want ≥ 4.5", name, tx, s.name, r)
				}
			}
		}
		for tx, fill := range onFill {
			f := over(nrgba(th.Color(fill, v)), bg)
			if r := contrast(over(nrgba(th.Color(tx, v)), f), f); r < 4.5 {
				t.Errorf("%s: %s on %s = %.2f:1, want ≥ 4.5", name, tx, fill, r)
			}
		}
	}
}

func nrgba(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }

// over composites c over an opaque base.
func over(c, base color.NRGBA) color.NRGBA {
	a := float64(c.A) / 255
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*a + float64(y)*(1-a))) }
	return color.NRGBA{mix(c.R, base.R), mix(c.G, base.G), mix(c.B, base.B), 0xff}
}

// contrast is the WCAG 2 contrast ratio of two opaque colours.
func contrast(a, b color.NRGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.NRGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}
