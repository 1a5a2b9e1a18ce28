package vsctl

// Output of list and find in the formats of ovs-vsctl's table module
// (ovs-vsctl(8), "Table Formatting Options"): list (the default), table,
// csv, json and html, with cells as strings, bare values or JSON.

import (
	"encoding/json"
	"fmt"
	"strings"
)

// cell renders one value for the chosen --data.
func (o *options) cell(d datum, t *colType) string {
	switch o.data {
	case "bare":
		return d.Bare(t)
	case "json":
		b, _ := json.Marshal(d.wire(t, func(a any) any { return a }))
		return string(b)
	}
	return d.String(t)
}

// printTable writes rows of cells under headings in the chosen format.
func (o *options) printTable(b *strings.Builder, headings []string, rows [][]datum, types []*colType) {
	switch o.format {
	case "json":
		o.printJSON(b, headings, rows, types)
		return
	}
	cells := make([][]string, len(rows))
	for i, r := range rows {
		cells[i] = make([]string, len(r))
		for j, d := range r {
			cells[i][j] = o.cell(d, types[j])
		}
	}
	switch o.format {
	case "table":
		widths := make([]int, len(headings))
		for j, h := range headings {
			if o.headings {
				widths[j] = len(h)
			}
			for _, r := range cells {
				widths[j] = max(widths[j], len(r[j]))
			}
		}
		line := func(fields []string) {
			for j, f := range fields {
				if j > 0 {
					b.WriteByte(' ')
				}
				if j < len(fields)-1 {
					fmt.Fprintf(b, "%-*s", widths[j], f)
				} else {
					b.WriteString(f)
				}
			}
			b.WriteByte('\n')
		}
		if o.headings {
			line(headings)
			dashes := make([]string, len(headings))
			for j := range headings {
				dashes[j] = strings.Repeat("-", widths[j])
			}
			line(dashes)
		}
		for _, r := range cells {
			line(r)
		}
	case "csv":
		if o.headings {
			b.WriteString(csvLine(headings))
		}
		for _, r := range cells {
			b.WriteString(csvLine(r))
		}
	case "html":
		// ovs-vsctl's table_print_html: the _uuid cell is an anchor,
		// every other UUID a link to it, both shown by 8 hex digits.
		b.WriteString("<table border=1>\n")
		if o.headings {
			b.WriteString("  <tr>\n")
			for _, h := range headings {
				fmt.Fprintf(b, "    <th>%s</th>\n", htmlCell(h))
			}
			b.WriteString("  </tr>\n")
		}
		for _, r := range cells {
			b.WriteString("  <tr>\n")
			for j, c := range r {
				if headings[j] == "_uuid" {
					fmt.Fprintf(b, "    <td><a name=\"%s\">%s</a></td>\n", htmlEscape(c), htmlEscape(c[:min(8, len(c))]))
					continue
				}
				fmt.Fprintf(b, "    <td>%s</td>\n", htmlCell(c))
			}
			b.WriteString("  </tr>\n")
		}
		b.WriteString("</table>\n")
	default: // list
		for i, r := range cells {
			if i > 0 {
				b.WriteByte('\n')
			}
			for j, c := range r {
				if o.headings {
					fmt.Fprintf(b, "%-20s: %s\n", headings[j], c)
				} else {
					b.WriteString(c + "\n")
				}
			}
		}
	}
}

func csvLine(fields []string) string {
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		if strings.ContainsAny(f, ",\"\n\r") {
			b.WriteString(`"` + strings.ReplaceAll(f, `"`, `""`) + `"`)
		} else {
			b.WriteString(f)
		}
	}
	b.WriteByte('\n')
	return b.String()
}

// printJSON writes {"data": [[cell...]...], "headings": [...]}: cells are
// RFC 7047 values with --data=json, strings otherwise.
func (o *options) printJSON(b *strings.Builder, headings []string, rows [][]datum, types []*colType) {
	data := make([][]any, len(rows))
	for i, r := range rows {
		data[i] = make([]any, len(r))
		for j, d := range r {
			switch o.data {
			case "json":
				data[i][j] = d.wire(types[j], func(a any) any { return a })
			default:
				data[i][j] = o.cell(d, types[j])
			}
		}
	}
	out := struct {
		Data     [][]any  `json:"data"`
		Headings []string `json:"headings"`
	}{data, headings}
	if out.Data == nil {
		out.Data = [][]any{}
	}
	enc, _ := json.Marshal(out)
	b.Write(enc)
	b.WriteByte('\n')
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\"", "&quot;").Replace(s)
}

// htmlCell escapes a cell and turns each UUID in it into a link.
func htmlCell(s string) string {
	return uuidRE.ReplaceAllStringFunc(htmlEscape(s), func(u string) string {
		return fmt.Sprintf("<a href=\"#%s\">%s</a>", u, u[:8])
	})
}
