package conversa

import (
	"strings"
	"testing"
)

// fotoPromo has an image header and a URL button with a variable.
func fotoPromo() *Template {
	return &Template{Name: "foto_promo", Language: "pt_BR", Category: CategoryMarketing, Status: TemplateApproved,
		Components: []TemplateComponent{
			{Type: "HEADER", Format: "IMAGE", Example: &TemplateExample{HeaderHandle: []string{"4::aW1n"}}},
			{Type: "BODY", Text: "Oi {{1}}, chegou a coleção nova.", Example: &TemplateExample{BodyText: [][]string{{"Ana"}}}},
			{Type: "BUTTONS", Buttons: []TemplateButton{
				{Type: "QUICK_REPLY", Text: "Parar"},
				{Type: "URL", Text: "Ver coleção", URL: "https://loja.example/c/{{1}}", Example: []string{"https://loja.example/c/verao"}},
				{Type: "COPY_CODE", Text: "Copiar cupom", Example: []string{"VERAO10"}},
			}},
		}}
}

// codigo is an authentication template as Meta keeps it: the preset body
// with the code, and the OTP button (a URL button once created).
func codigo(button TemplateButton) *Template {
	return &Template{Name: "codigo", Language: "pt_BR", Category: CategoryAuthentication, Status: TemplateApproved,
		Components: []TemplateComponent{
			{Type: "BODY", Text: "*{{1}}* é seu código de verificação.", Example: &TemplateExample{BodyText: [][]string{{"123456"}}}},
			{Type: "BUTTONS", Buttons: []TemplateButton{button}},
		}}
}

func TestTemplateInputs(t *testing.T) {
	got := fotoPromo().Inputs()
	want := []TemplateInput{{Kind: InputHeaderImage}, {Kind: InputButtonURL, Index: 1, Name: "Ver coleção"},
		{Kind: InputCouponCode, Index: 2, Name: "Copiar cupom"}}
	if len(got) != len(want) {
		t.Fatalf("Inputs = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("input %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, b := range []TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copiar código"},
		{Type: "URL", Text: "Copiar código", URL: "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}"}} {
		if in := codigo(b).Inputs(); len(in) != 1 || in[0].Kind != InputOTP {
			t.Errorf("%s button: inputs %+v, want one OTP", b.Type, in)
		}
	}
	text := pedidoEnviado()
	text.Components[0].Text, text.Components[0].Example = "Pedido {{1}}", &TemplateExample{HeaderText: []string{"#1"}}
	if in := text.Inputs(); len(in) != 1 || in[0] != (TemplateInput{Kind: InputHeaderText, Name: "1"}) {
		t.Errorf("text header inputs = %+v", in)
	}
	if in := pedidoEnviado().Inputs(); len(in) != 0 {
		t.Errorf("a fixed header and a quick reply need nothing: %+v", in)
	}
}

func TestCheckHeaderAndButtonValues(t *testing.T) {
	image := &HeaderValue{Image: &MediaValue{Link: "https://cdn.example/verao.jpg"}}
	good := TemplateValues{Body: []string{"Ana"}, Header: image,
		Buttons: []ButtonValue{{Index: 1, Text: "verao"}, {Index: 2, CouponCode: "VERAO10"}}}
	if err := fotoPromo().CheckParams(good); err != nil {
		t.Fatalf("good values refused: %v", err)
	}
	with := func(change func(v *TemplateValues)) TemplateValues {
		v := good
		v.Buttons = append([]ButtonValue(nil), good.Buttons...)
		change(&v)
		return v
	}
	for _, tc := range []struct {
		name string
		v    TemplateValues
		want string // in the English sentence
	}{
		{"no header", with(func(v *TemplateValues) { v.Header = nil }), `needs the image of its header: send "header": {"image"`},
		{"video for an image header", with(func(v *TemplateValues) { v.Header = &HeaderValue{Video: image.Image} }), `"image"`},
		{"text for an image header", with(func(v *TemplateValues) { v.Header = &HeaderValue{Text: "x"} }), `"image"`},
		{"link not http", with(func(v *TemplateValues) { v.Header = &HeaderValue{Image: &MediaValue{Link: "ftp://x/y.jpg"}} }), "http(s)"},
		{"filename on an image", with(func(v *TemplateValues) {
			v.Header = &HeaderValue{Image: &MediaValue{Link: "https://x/y.jpg", Filename: "y.jpg"}}
		}), "filename"},
		{"URL button missing", with(func(v *TemplateValues) { v.Buttons = v.Buttons[1:] }), `URL button 1 ("Ver coleção")`},
		{"URL with a space", with(func(v *TemplateValues) { v.Buttons[0].Text = "a b" }), "URL button 1"},
		{"coupon missing", with(func(v *TemplateValues) { v.Buttons = v.Buttons[:1] }), `coupon code of button 2 ("Copiar cupom")`},
		{"coupon too long", with(func(v *TemplateValues) { v.Buttons[1].CouponCode = "MUITOLONGOPARACUPOM" }), "up to 15"},
		{"quick reply takes nothing", with(func(v *TemplateValues) { v.Buttons = append(v.Buttons, ButtonValue{Index: 0, Text: "x"}) }), "no button 0"},
		{"same button twice", with(func(v *TemplateValues) { v.Buttons = append(v.Buttons, ButtonValue{Index: 1, Text: "y"}) }), "twice"},
		{"body still counted", with(func(v *TemplateValues) { v.Body = nil }), "needs 1 parameter"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := fotoPromo().CheckParams(tc.v)
			if ErrorCode(err) != ETEMPLATEPARAMS || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("CheckParams = %v, want template_params mentioning %q", err, tc.want)
			}
			if e := err.(*Error); e.PT == "" || e.PT == e.Message {
				t.Errorf("no Portuguese sentence: %+v", e)
			}
		})
	}
	if err := pedidoEnviado().CheckParams(TemplateValues{Body: []string{"Ana", "#1"}, Header: &HeaderValue{Text: "x"}}); ErrorCode(err) != ETEMPLATEPARAMS ||
		!strings.Contains(err.Error(), "no header to fill") {
		t.Errorf("header for a fixed header: %v", err)
	}
}

func TestTextHeaderAndLocation(t *testing.T) {
	tpl := pedidoEnviado()
	tpl.Components[0].Text, tpl.Components[0].Example = "Pedido {{1}}", &TemplateExample{HeaderText: []string{"#1"}}
	body := []string{"Ana", "#12345"}
	if err := tpl.CheckParams(TemplateValues{Body: body}); !strings.Contains(err.Error(), `variable in its header ({{1}}): send "header": {"text"`) {
		t.Errorf("missing header text: %v", err)
	}
	if err := tpl.CheckParams(TemplateValues{Body: body, Header: &HeaderValue{Text: "a\nb"}}); ErrorCode(err) != ETEMPLATEPARAMS {
		t.Errorf("header with a line break: %v", err)
	}
	v := TemplateValues{Body: body, Header: &HeaderValue{Text: "#12345"}}
	if err := tpl.CheckParams(v); err != nil {
		t.Fatalf("good header refused: %v", err)
	}
	if got, want := tpl.Render(v), "Pedido #12345\n\nOlá Ana, seu pedido #12345 foi enviado.\n\nLoja Exemplo"; got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
	if got := tpl.Render(TemplateValues{Body: body}); !strings.HasPrefix(got, "Pedido {{1}}") {
		t.Errorf("an unfilled header shows its variable: %q", got)
	}

	tpl.Components[0] = TemplateComponent{Type: "HEADER", Format: "LOCATION"}
	loc := &HeaderValue{Location: &LocationValue{Latitude: -23.55, Longitude: -46.63, Name: "Loja"}}
	if err := tpl.CheckParams(TemplateValues{Body: body, Header: loc}); err != nil {
		t.Fatalf("location refused: %v", err)
	}
	loc.Location.Latitude = 123
	if err := tpl.CheckParams(TemplateValues{Body: body, Header: loc}); !strings.Contains(err.Error(), "latitude") {
		t.Errorf("bad latitude: %v", err)
	}
}

func TestOneTimePasswordTakesTheBodyCode(t *testing.T) {
	tpl := codigo(TemplateButton{Type: "OTP", OTPType: "COPY_CODE", Text: "Copiar código"})
	v := TemplateValues{Body: []string{"482913"}}
	if err := tpl.CheckParams(v); err != nil {
		t.Fatalf("code only in the body refused: %v", err)
	}
	if b, ok := tpl.Filled(v).Button(0); !ok || b.Text != "482913" {
		t.Errorf("OTP button filled with %+v, %v", b, ok)
	}
	if err := tpl.CheckParams(TemplateValues{Body: []string{"482913"}, Buttons: []ButtonValue{{Index: 0, Text: "482913"}}}); err != nil {
		t.Errorf("the same code twice refused: %v", err)
	}
	if err := tpl.CheckParams(TemplateValues{Body: []string{"482913"}, Buttons: []ButtonValue{{Index: 0, Text: "111111"}}}); ErrorCode(err) != ETEMPLATEPARAMS {
		t.Errorf("a different button code: %v", err)
	}
	if err := tpl.CheckParams(TemplateValues{Body: []string{"48 29"}}); !strings.Contains(fmtErr(err), "one-time code") {
		t.Errorf("a code with a space: %v", err)
	}
	if err := tpl.CheckParams(TemplateValues{}); !strings.Contains(fmtErr(err), "needs 1 parameter") {
		t.Errorf("no code at all: %v", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestChannelSendBlock(t *testing.T) {
	ch := Channel{Name: "Vendas", Status: ChannelConnected, WABA: &WABAConfig{}}
	if ch.SendBlock(true) != nil || ch.SendBlock(false) != nil {
		t.Fatal("a connected channel is blocked")
	}
	ch.WABA.Health.PaymentRefused = true
	if why := ch.SendBlock(true); why == nil || why.Code != ECHANNELUNAVAILABLE || !strings.Contains(why.PT, "131042") {
		t.Errorf("templates on a billing block: %+v", why)
	}
	if ch.SendBlock(false) != nil {
		t.Error("free replies are blocked by billing")
	}
	ch.Status = ChannelDisconnected
	if why := ch.SendBlock(false); why == nil || !strings.Contains(why.Message, "disconnected") || !strings.Contains(why.PT, "desconectado") {
		t.Errorf("disconnected: %+v", why)
	}
	ch.Status, ch.WABA.Health.Problem = ChannelError, Errorf(EUPSTREAM, "Token expired.").Pt("Token expirado.")
	if why := ch.SendBlock(false); why == nil || !strings.HasSuffix(why.PT, "Token expirado.") {
		t.Errorf("red: %+v", why)
	}
	if why := (Channel{Status: ChannelPending}).SendBlock(false); why == nil || why.Code != ECHANNELUNAVAILABLE {
		t.Errorf("pending: %+v", why)
	}
}
