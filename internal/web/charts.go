package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/report"
)

// Charts are drawn on the server as inline SVG: no script, no CDN, readable
// by screen readers (role="img", a title, and a <title> per mark for the
// exact value on hover).

const (
	chartW, chartH                 = 720, 220
	padL, padR, padT, padB         = 64, 8, 12, 28
	plotW, plotH                   = chartW - padL - padR, chartH - padT - padB
	maxXLabels                     = 10
	barGap                 float64 = 0.2 // share of a day's slot left empty
)

// series is one colour of a chart: a value per day and how to print one.
type series struct {
	name, class string
	values      []float64
}

type chart struct {
	v      *view
	title  string
	days   []report.Day
	format func(float64) string
	b      strings.Builder
}

func charts(v *view, days []report.Day) []template.HTML {
	if len(days) == 0 {
		return nil
	}
	in, out, expected, billable := make([]float64, len(days)), make([]float64, len(days)), make([]float64, len(days)), make([]float64, len(days))
	read, delivered, failed := make([]float64, len(days)), make([]float64, len(days)), make([]float64, len(days))
	for i, d := range days {
		in[i], out[i] = float64(d.MessagesIn), float64(d.MessagesOut)
		expected[i], billable[i] = float64(d.Spend.Expected.Micros), float64(d.Spend.Billable.Micros)
		read[i], delivered[i], failed[i] = float64(d.Read), float64(d.Delivered-d.Read), float64(d.Failed)
	}
	count := func(f float64) string { return fmt.Sprint(int64(f)) }
	money := func(f float64) string { return v.Money(conversa.Money(f)) }
	return []template.HTML{
		(&chart{v: v, title: v.T("reports.chart_messages"), days: days, format: count}).bars(false,
			series{v.T("reports.in"), "s-in", in}, series{v.T("reports.out"), "s-out", out}),
		(&chart{v: v, title: v.T("reports.chart_spend"), days: days, format: money}).lines(
			series{v.T("reports.expected"), "s-expected", expected}, series{v.T("reports.billable"), "s-billable", billable}),
		(&chart{v: v, title: v.T("reports.chart_delivery"), days: days, format: count}).bars(true,
			series{v.T("reports.read"), "s-read", read}, series{v.T("reports.delivered"), "s-delivered", delivered},
			series{v.T("reports.failed"), "s-failed", failed}),
	}
}

// bars draws side-by-side bars per day, or stacked ones.
func (c *chart) bars(stacked bool, ss ...series) template.HTML {
	top := c.axes(ss, stacked)
	slot := float64(plotW) / float64(len(c.days))
	width := slot * (1 - barGap)
	if !stacked {
		width /= float64(len(ss))
	}
	for i := range c.days {
		base := 0.0
		for j, s := range ss {
			x := float64(padL) + float64(i)*slot + slot*barGap/2
			if !stacked {
				x += float64(j) * width
			}
			y0, y1 := c.y(base, top), c.y(base+s.values[i], top)
			c.mark(`<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f">`, s.class, x, y1, width, y0-y1)
			c.tooltip(i, s, s.values[i])
			c.b.WriteString("</rect>")
			if stacked {
				base += s.values[i]
			}
		}
	}
	return c.end(ss)
}

// lines draws one polyline per series with a dot per day.
func (c *chart) lines(ss ...series) template.HTML {
	top := c.axes(ss, false)
	slot := float64(plotW) / float64(len(c.days))
	for _, s := range ss {
		var pts []string
		for i, val := range s.values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", float64(padL)+(float64(i)+0.5)*slot, c.y(val, top)))
		}
		c.mark(`<polyline class="%s" fill="none" points="%s"/>`, s.class, strings.Join(pts, " "))
		for i, val := range s.values {
			c.mark(`<circle class="%s" cx="%.1f" cy="%.1f" r="3">`, s.class, float64(padL)+(float64(i)+0.5)*slot, c.y(val, top))
			c.tooltip(i, s, val)
			c.b.WriteString("</circle>")
		}
	}
	return c.end(ss)
}

// axes opens the SVG and draws the grid; it returns the value at the top.
func (c *chart) axes(ss []series, stacked bool) float64 {
	top := 0.0
	for i := range c.days {
		sum := 0.0
		for _, s := range ss {
			top, sum = max(top, s.values[i]), sum+s.values[i]
		}
		if stacked {
			top = max(top, sum)
		}
	}
	if top == 0 {
		top = 1
	}
	c.mark(`<figure class="chart"><figcaption>%s</figcaption><svg viewBox="0 0 %d %d" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		esc(c.title), chartW, chartH, esc(c.title))
	for _, f := range []float64{0, 0.5, 1} {
		y := c.y(top*f, top)
		c.mark(`<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/><text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>`,
			padL, chartW-padR, y, y, padL-4, y+4, esc(c.format(top*f)))
	}
	every := (len(c.days) + maxXLabels - 1) / maxXLabels
	slot := float64(plotW) / float64(len(c.days))
	for i, d := range c.days {
		if i%every == 0 {
			c.mark(`<text class="axis" x="%.1f" y="%d" text-anchor="middle">%s</text>`,
				float64(padL)+(float64(i)+0.5)*slot, chartH-8, esc(c.shortDate(d.Date)))
		}
	}
	return top
}

func (c *chart) end(ss []series) template.HTML {
	c.b.WriteString(`</svg><ul class="legend">`)
	for _, s := range ss {
		c.mark(`<li><span class="swatch %s"></span>%s</li>`, s.class, esc(s.name))
	}
	c.b.WriteString("</ul></figure>")
	return template.HTML(c.b.String()) // built only from escaped text and numbers
}

func (c *chart) y(val, top float64) float64 { return float64(padT) + float64(plotH)*(1-val/top) }

func (c *chart) mark(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

func (c *chart) tooltip(i int, s series, val float64) {
	c.mark("<title>%s · %s: %s</title>", esc(c.shortDate(c.days[i].Date)), esc(s.name), esc(c.format(val)))
}

// shortDate is day/month in Portuguese, month/day in English.
func (c *chart) shortDate(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	if c.v.IsPT() {
		return t.Format("02/01")
	}
	return t.Format("1/2")
}

func esc(s string) string { return html.EscapeString(s) }
