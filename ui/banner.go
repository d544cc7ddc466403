package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// bannerKind colours the banner.
type bannerKind int

const (
	bannerNone bannerKind = iota
	bannerInfo
	bannerSuccess
	bannerWarning
	bannerError
)

// banner is the verdict line: a tinted box with a coloured edge, an icon
// and large bold text. It follows theme changes because it picks its
// colours in Refresh.
type banner struct {
	widget.BaseWidget
	kind bannerKind
	text string

	bg, edge *canvas.Rectangle
	icon     *widget.Icon
	label    *widget.Label
	// action, when set before the banner is first drawn, sits at its
	// right edge (the verdict's "Fix script…").
	action fyne.CanvasObject
	row    *fyne.Container
}

func newBanner() *banner {
	b := &banner{
		bg:    canvas.NewRectangle(color.Transparent),
		edge:  canvas.NewRectangle(color.Transparent),
		icon:  widget.NewIcon(nil),
		label: &widget.Label{Wrapping: fyne.TextWrapWord, TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText},
	}
	b.bg.CornerRadius = theme.InputRadiusSize()
	b.edge.SetMinSize(fyne.NewSize(6, 6))
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// set shows text in the kind's colours, or hides the banner.
func (b *banner) set(kind bannerKind, text string) {
	b.kind, b.text = kind, text
	if kind == bannerNone {
		b.Hide()
		return
	}
	b.Show()
	b.Refresh()
}

// Refresh re-reads the theme colours.
func (b *banner) Refresh() {
	name, icon := theme.ColorNamePrimary, theme.InfoIcon()
	switch b.kind {
	case bannerSuccess:
		name, icon = theme.ColorNameSuccess, theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case bannerWarning:
		name, icon = theme.ColorNameWarning, theme.NewWarningThemedResource(theme.WarningIcon())
	case bannerError:
		name, icon = theme.ColorNameError, theme.NewErrorThemedResource(theme.ErrorIcon())
	case bannerInfo:
		icon = theme.NewPrimaryThemedResource(theme.InfoIcon())
	}
	c := color.NRGBAModel.Convert(theme.Color(name)).(color.NRGBA)
	b.edge.FillColor = c
	c.A = 0x30
	b.bg.FillColor = c
	b.icon.Resource = icon
	b.label.Text = b.text
	b.bg.Refresh()
	b.edge.Refresh()
	b.icon.Refresh()
	b.label.Refresh()
	if b.row != nil {
		b.row.Refresh() // the action may have been shown or hidden
	}
}

// CreateRenderer lays out edge, icon and text over the tint.
func (b *banner) CreateRenderer() fyne.WidgetRenderer {
	var right fyne.CanvasObject
	if b.action != nil {
		right = container.NewCenter(b.action)
	}
	b.row = container.NewBorder(nil, nil, container.NewHBox(b.edge, container.NewCenter(b.icon)), right, b.label)
	row := b.row
	return widget.NewSimpleRenderer(container.NewStack(b.bg, container.NewPadded(row)))
}
