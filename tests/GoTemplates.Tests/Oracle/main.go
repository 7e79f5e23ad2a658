// Command oracle renders templates with Go's own text/template and html/template.
// It reads a JSON array of cases on stdin and writes a JSON array of results on stdout.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"os"
	texttemplate "text/template"
)

type testCase struct {
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	Mode     string          `json:"mode"`
}

type result struct {
	Output     string `json:"output"`
	Error      string `json:"error"`
	ParseError bool   `json:"parseError"`
}

func render(c testCase) (res result) {
	defer func() {
		if r := recover(); r != nil {
			res = result{Error: fmt.Sprint("panic: ", r)}
		}
	}()
	var data interface{}
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			return result{Error: "bad data: " + err.Error()}
		}
	}
	var buf bytes.Buffer
	if c.Mode == "html" {
		t, err := htmltemplate.New("t").Parse(c.Template)
		if err != nil {
			return result{Error: err.Error(), ParseError: true}
		}
		if err := t.Execute(&buf, data); err != nil {
			return result{Output: buf.String(), Error: err.Error()}
		}
	} else {
		t, err := texttemplate.New("t").Parse(c.Template)
		if err != nil {
			return result{Error: err.Error(), ParseError: true}
		}
		if err := t.Execute(&buf, data); err != nil {
			return result{Output: buf.String(), Error: err.Error()}
		}
	}
	return result{Output: buf.String()}
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	results := make([]result, len(cases))
	for i, c := range cases {
		results[i] = render(c)
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
