package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestUICampaign is issue 7's browser check, in pt-BR and English: the
// demo admin uploads a 30-row CSV (one invalid number, one duplicate),
// sees the import report, picks the sandbox's approved pedido_enviado with
// its variables mapped and previewed, sees the estimate, starts, watches
// the progress bar reach 100 % as the embedded simulator accepts every
// message, and opens the report. Screenshots go to
// CONVERSA_SCREENSHOTS/campaign-<lang>.
func TestUICampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("browser campaign test skipped in -short mode")
	}
	chromiumPath(t)
	csv := writeCampaignCSV(t)
	for _, lang := range []string{"pt-BR", "en"} {
		t.Run(lang, func(t *testing.T) {
			base, _ := startServer(t, "")
			w := &walk{browser: newBrowser(t, base, screenshotDir(t, "campaign-"+lang)), lang: lang}
			w.need("GET /api/v1/campaigns", "campaigns")
			w.campaign(csv)
		})
	}
}

// campaignRows is how many people the CSV names; two of its rows are
// rejected, so campaignRows-2 receive the message.
const campaignRows = 30

// writeCampaignCSV writes the list: Cliente 01…28 with distinct mobiles,
// then a number that can't be one and Cliente 01 again, written the old
// way (without the 9th digit), which is the same WhatsApp account.
func writeCampaignCSV(t *testing.T) string {
	var b strings.Builder
	b.WriteString("name,phone,pedido,tags\n")
	for i := 1; i <= campaignRows-2; i++ {
		fmt.Fprintf(&b, "Cliente %02d,(11) 97000-%04d,#%d,vip\n", i, i, 1000+i)
	}
	b.WriteString("Sem Número,123,#9999,\n")
	b.WriteString("Cliente 01 de novo,+55 11 7000-0001,#1001,\n")
	path := filepath.Join(t.TempDir(), "clientes.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func (w *walk) campaign(csvPath string) {
	accepted := campaignRows - 2
	w.step("language", stepTimeout, w.open("/lang?l="+w.lang+"&next=/login"), textContains("h1", w.tr("login.heading")))
	w.signIn("login")
	w.step("campaign list", stepTimeout, click(`nav.nav a[href="/app/campaigns"]`), textContains("h1", w.tr("campaigns.title")),
		textContains("#campaigns", w.tr("campaigns.none")))
	w.step("upload form", stepTimeout, click("#new-campaign"), fill("#cl-name", "Clientes VIP"),
		chromedp.SetUploadFiles(chromedp.CSS("#cl-file"), []string{csvPath}))
	w.step("import report", stepTimeout, click("#upload-csv"), visible("#import-report"),
		textContains("#import-accepted", w.tr("campaigns.accepted", accepted)),
		textContains("#rejected-rows", w.tr("reject.duplicate")), textContains("#rejected-rows", w.tr("reject.invalid_phone")))
	w.step("template and preview", stepTimeout, selectByText("#cp-template", "pedido_enviado"),
		until(`!!document.querySelector("#cp-var1")`),
		textContains("#campaign-preview-text", "Olá Cliente 01, seu pedido #1001 foi enviado."),
		textContains("#campaign-preview-cost", w.tr("campaigns.cost_each")),
		js(`document.getElementById("campaign-preview").scrollIntoView({block: "center"})`))
	w.step("estimate", stepTimeout, fill("#cp-name", "Black Friday "+w.lang), click("#create-campaign"),
		visible("#estimate"), textContains("#est-recipients", fmt.Sprint(accepted)),
		textContains("#est-cost", w.money()), textContains("#est-exclusions", w.tr("reject.duplicate")),
		visible(`[role=progressbar][aria-valuenow="0"]`))
	cost := w.evalString(`document.querySelector("#est-cost strong").textContent.replace(/[^0-9.,]/g, "")`)
	// The simulator accepts at the number's pace (80/s): the bar fills
	// within seconds, live, without reloading the page.
	w.step("sending", stepTimeout, click("#start-campaign"), visible("#campaign-progress[data-status=running], #campaign-progress[data-status=completed]"))
	w.step("progress 100 %", 60*time.Second, visible(`#campaign-progress[data-status=completed] [role=progressbar][aria-valuenow="100"]`),
		textContains("#count-pending", "0"), textContains("#campaign-progress", w.tr("cstatus.completed")),
		textContains("#campaign-recipients", "Cliente 01"))
	// The report counts what the campaign sent: its spend is the estimate's.
	w.step("report", stepTimeout, click("#campaign-report"), textContains("h1", w.tr("reports.title")),
		textContains("main", cost))
}

// money is how the estimate's currency reads in the walk's language.
func (w *walk) money() string {
	if w.lang == "en" {
		return "$0."
	}
	return "US$ 0,"
}
