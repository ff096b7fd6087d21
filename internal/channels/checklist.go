package channels

import (
	"cmp"

	"github.com/conversa/conversa/internal/conversa"
)

// The readiness checklist: one item per fact, each with its fix in plain
// words. Keys are part of the API contract.

type checkItem struct {
	key    string
	ok     bool
	detail *conversa.Error
}

func checklist(ch conversa.Channel, webhookURL, lang string) []conversa.ReadinessItem {
	h, number := ch.WABA.Health, cmp.Or(ch.WABA.DisplayPhoneNumber, ch.WABA.PhoneNumberID)
	items := []checkItem{
		accountItem(ch),
		numberItem(h, number),
		displayNameItem(h, ch.WABA.VerifiedName),
		paymentItem(h),
		webhooksItem(h, webhookURL),
		templateItem(h),
		qualityItem(h),
		limitItem(h),
	}
	out := make([]conversa.ReadinessItem, len(items))
	for i, it := range items {
		out[i] = conversa.ReadinessItem{Key: it.key, OK: it.ok, Detail: it.detail.Localize(lang)}
	}
	return out
}

// accountItem: nothing about the channel itself stops sending — it is
// connected, and Meta reported no token, lock, registration or policy
// problem (the reason and its fix otherwise).
func accountItem(ch conversa.Channel) checkItem {
	if why := ch.SendBlock(false); why != nil {
		return checkItem{"account_status", false, why}
	}
	if p := ch.WABA.Health.Problem; p != nil {
		return checkItem{"account_status", false, p}
	}
	return checkItem{"account_status", true, say("The channel is connected and Meta reports no problem with the account or the number.").
		Pt("O canal está conectado e a Meta não informa problema com a conta ou o número.")}
}

func numberItem(h conversa.WABAHealth, number string) checkItem {
	switch {
	case h.CodeVerification == "VERIFIED" && h.Registered:
		return checkItem{"number_verified", true, say("The number %s is verified and registered with the Cloud API.", number).
			Pt("O número %s está verificado e registrado na Cloud API.", number)}
	case h.CodeVerification == "VERIFIED":
		return checkItem{"number_verified", false, say("The number %s is verified but not registered with the Cloud API. Finish the connection (register with the 6-digit PIN).", number).
			Pt("O número %s está verificado, mas não registrado na Cloud API. Conclua a conexão (registro com o PIN de 6 dígitos).", number)}
	}
	return checkItem{"number_verified", false, say("The number %s is not verified. Request the code by SMS or voice call in the connection flow and type it.", number).
		Pt("O número %s não está verificado. Peça o código por SMS ou ligação no fluxo de conexão e digite-o.", number)}
}

func displayNameItem(h conversa.WABAHealth, name string) checkItem {
	switch h.NameStatus {
	case "APPROVED", "AVAILABLE_WITHOUT_REVIEW":
		return checkItem{"display_name", true, say("Meta approved the display name %q.", name).Pt("A Meta aprovou o nome de exibição %q.", name)}
	case "DECLINED", "REJECTED":
		return checkItem{"display_name", false, say("Meta declined the display name %q. Change it in WhatsApp Manager to the company's legal name as in its CNPJ and submit it again.", name).
			Pt("A Meta recusou o nome de exibição %q. Altere-o no Gerenciador do WhatsApp para a razão social do CNPJ e envie de novo.", name)}
	}
	return checkItem{"display_name", false, say("Meta is reviewing the display name %q (status %s). Wait for the decision; it should match the company's legal name (CNPJ).", name, cmp.Or(h.NameStatus, "unknown")).
		Pt("A Meta está avaliando o nome de exibição %q (status %s). Aguarde a decisão; ele deve corresponder à razão social (CNPJ).", name, cmp.Or(h.NameStatus, "desconhecido"))}
}

func paymentItem(h conversa.WABAHealth) checkItem {
	switch {
	case h.PaymentRefused && h.PaymentMethod:
		return checkItem{"payment_method", false, say("WhatsApp refused a template for billing (Meta error 131042): the payment method is not valid. In Meta Business Manager open Accounts > WhatsApp accounts > this account > Payment settings, fix or replace the credit card (currency US Dollar, USD), then check again. Templates are held until then; replies inside the 24-hour window still go.").
			Pt("O WhatsApp recusou um modelo por cobrança (erro 131042 da Meta): a forma de pagamento não é válida. No Gerenciador de Negócios da Meta abra Contas > Contas do WhatsApp > esta conta > Configuração de pagamento, corrija ou troque o cartão de crédito (moeda Dólar Americano, USD) e verifique de novo. Os modelos ficam retidos até lá; respostas dentro da janela de 24 horas continuam sendo enviadas.")}
	case !h.PaymentMethod:
		return checkItem{"payment_method", false, say("The WhatsApp account has no payment method, so templates cannot be sent (Meta error 131042). In Meta Business Manager open Accounts > WhatsApp accounts > this account > Payment settings, add a credit card and choose the currency US Dollar (USD).").
			Pt("A conta do WhatsApp não tem forma de pagamento, então modelos não podem ser enviados (erro 131042 da Meta). No Gerenciador de Negócios da Meta abra Contas > Contas do WhatsApp > esta conta > Configuração de pagamento, adicione um cartão de crédito e escolha a moeda Dólar Americano (USD).")}
	case h.Currency != "USD":
		return checkItem{"payment_method", false, say("The account's currency is %s, not US Dollar (USD). Set the payment method's currency to USD in Meta Business Manager (Payment settings).", cmp.Or(h.Currency, "unknown")).
			Pt("A moeda da conta é %s, não Dólar Americano (USD). Defina a moeda da forma de pagamento como USD no Gerenciador de Negócios da Meta (Configuração de pagamento).", cmp.Or(h.Currency, "desconhecida"))}
	}
	return checkItem{"payment_method", true, say("A payment method is set, in US Dollars (USD).").Pt("Há uma forma de pagamento cadastrada, em Dólar Americano (USD).")}
}

func webhooksItem(h conversa.WABAHealth, webhookURL string) checkItem {
	switch {
	case !h.Subscribed:
		return checkItem{"webhooks_subscribed", false, say("Conversa's app is not subscribed to the account's webhooks, so incoming messages and statuses are not received. Disconnect and connect the channel again.").
			Pt("O app do Conversa não está inscrito nos webhooks da conta, então mensagens recebidas e status não chegam. Desconecte e conecte o canal de novo.")}
	case webhookURL != "" && h.CallbackURL != "" && h.CallbackURL != webhookURL:
		return checkItem{"webhooks_subscribed", false, say("The account's webhooks go to %s, not to Conversa (%s). Connect the channel again to point them here.", h.CallbackURL, webhookURL).
			Pt("Os webhooks da conta vão para %s, não para o Conversa (%s). Conecte o canal de novo para apontá-los para cá.", h.CallbackURL, webhookURL)}
	}
	return checkItem{"webhooks_subscribed", true, say("Webhooks are subscribed: messages and statuses reach Conversa.").Pt("Webhooks inscritos: mensagens e status chegam ao Conversa.")}
}

func templateItem(h conversa.WABAHealth) checkItem {
	if h.ApprovedTemplates {
		return checkItem{"approved_template", true, say("At least one message template is approved.").Pt("Há pelo menos um modelo de mensagem aprovado.")}
	}
	return checkItem{"approved_template", false, say("No message template is approved yet. Create one and wait for Meta's review: starting a conversation needs an approved template.").
		Pt("Ainda não há modelo de mensagem aprovado. Crie um e aguarde a análise da Meta: iniciar uma conversa exige um modelo aprovado.")}
}

func qualityItem(h conversa.WABAHealth) checkItem {
	switch h.QualityRating {
	case "GREEN":
		return checkItem{"quality_rating", true, say("Quality rating is high (GREEN).").Pt("A classificação de qualidade é alta (GREEN).")}
	case "YELLOW":
		return checkItem{"quality_rating", true, say("Quality rating is medium (YELLOW): customers are blocking or reporting messages. Send fewer, more relevant messages before the limit is lowered.").
			Pt("A classificação de qualidade é média (YELLOW): clientes estão bloqueando ou denunciando mensagens. Envie menos mensagens e mais relevantes antes que o limite seja reduzido.")}
	case "RED":
		return checkItem{"quality_rating", false, say("Quality rating is low (RED): Meta may lower the messaging limit or restrict the number. Pause campaigns and review the templates customers block.").
			Pt("A classificação de qualidade é baixa (RED): a Meta pode reduzir o limite de mensagens ou restringir o número. Pause campanhas e revise os modelos que os clientes bloqueiam.")}
	}
	return checkItem{"quality_rating", true, say("Quality not rated yet (a new number starts unrated).").Pt("Qualidade ainda não avaliada (um número novo começa sem avaliação).")}
}

var tierLimits = map[string]string{"TIER_50": "50", "TIER_250": "250", "TIER_1K": "1,000", "TIER_2K": "2,000",
	"TIER_10K": "10,000", "TIER_100K": "100,000", "TIER_UNLIMITED": "unlimited"}

func limitItem(h conversa.WABAHealth) checkItem {
	n, ok := tierLimits[h.MessagingLimitTier]
	if !ok {
		return checkItem{"messaging_limit", false, say("Meta has not assigned a messaging limit yet; it appears once the number is registered.").
			Pt("A Meta ainda não atribuiu um limite de mensagens; ele aparece quando o número é registrado.")}
	}
	if h.MessagingLimitTier == "TIER_UNLIMITED" {
		return checkItem{"messaging_limit", true, say("Messaging limit: unlimited customers per 24 hours.").Pt("Limite de mensagens: clientes ilimitados a cada 24 horas.")}
	}
	return checkItem{"messaging_limit", true, say("Messaging limit: business-initiated conversations with up to %s customers per 24 hours (%s); it rises with volume and good quality.", n, h.MessagingLimitTier).
		Pt("Limite de mensagens: conversas iniciadas pela empresa com até %s clientes a cada 24 horas (%s); ele sobe com volume e boa qualidade.", ptNumber(n), h.MessagingLimitTier)}
}

// ptNumber writes thousands the Brazilian way (1.000).
func ptNumber(n string) string {
	out := []byte(n)
	for i, c := range out {
		if c == ',' {
			out[i] = '.'
		}
	}
	return string(out)
}
