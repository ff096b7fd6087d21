package whatsapp

import (
	"cmp"
	"slices"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Codes callers test for by name.
const (
	CodeInvalidParameter  = 100
	CodeAccessToken       = 190
	CodeReengagement      = 131047 // 24-hour window closed
	CodePayment           = 131042
	CodeThroughput        = 130429
	CodePairRateLimit     = 131056
	CodeTemplateMissing   = 132001
	CodeTemplatePaused    = 132015
	CodeTemplateDisabled  = 132016
	CodeNotRegistered     = 133010
	SubcodeNumberInUse    = 2388001 // code 100: number registered with another WhatsApp account/provider
	codePermissionsRangeA = 200     // 200–299 are all "API permission"
	codePermissionsRangeZ = 299
)

// CodeInfo is what Conversa knows about one Meta error code: Meta's title,
// a sentence for agents in English and pt-BR (what happened and what to do),
// how senders should treat it, and the domain code it maps to.
type CodeInfo struct {
	Code      int
	Subcode   int // non-zero for entries that depend on the subcode
	Title     string
	EN, PT    string
	Retryable bool          // transient: the same call may succeed later
	Channel   bool          // the channel is unusable until an admin acts
	Backoff   time.Duration // minimum wait before retrying, when Retryable
	Domain    string        // conversa error code
	// ShowDetails: the code is generic (e.g. 100) and Meta's details name
	// the actual problem, so agents see them after the sentence.
	ShowDetails bool
}

type codeKey struct{ code, subcode int }

// catalog lists the codes Conversa meets. Sources: Meta's Cloud API error
// codes page and the register/request_code references (see testdata/README.md).
var catalog = indexCatalog([]CodeInfo{
	// Authorization and permissions: the channel must be reconnected.
	{Code: 3, Title: "API Method", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "The Meta app lacks a capability or permission for this operation. Check the app's permissions in Meta for Developers.",
		PT: "O app da Meta não tem a capacidade ou permissão para esta operação. Confira as permissões do app no Meta for Developers."},
	{Code: 10, Title: "Permission Denied", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "Permission for this WhatsApp account was not granted or was removed. Reconnect the channel and grant all requested permissions.",
		PT: "A permissão para esta conta do WhatsApp não foi concedida ou foi removida. Reconecte o canal e conceda todas as permissões pedidas."},
	{Code: CodeAccessToken, Title: "Access token has expired", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "The channel's access token expired or was revoked. Reconnect the channel or paste a new token.",
		PT: "O token de acesso do canal expirou ou foi revogado. Reconecte o canal ou cole um novo token."},
	{Code: codePermissionsRangeA, Title: "API Permission", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "The access token lacks the whatsapp_business_messaging/management permissions. Reconnect the channel with those permissions.",
		PT: "O token de acesso não tem as permissões whatsapp_business_messaging/management. Reconecte o canal com essas permissões."},
	{Code: 368, Title: "Temporarily blocked for policies violations", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "Meta restricted this WhatsApp account for violating a policy. Review the notice in WhatsApp Manager and appeal there.",
		PT: "A Meta restringiu esta conta do WhatsApp por violação de política. Veja o aviso no Gerenciador do WhatsApp e recorra por lá."},
	{Code: 131005, Title: "Access denied", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "Meta denied access to this number: the permission was not granted or was removed. Reconnect the channel.",
		PT: "A Meta negou acesso a este número: a permissão não foi concedida ou foi removida. Reconecte o canal."},

	// Throttling: transient, back off.
	{Code: 4, Title: "API Too Many Calls", Retryable: true, Backoff: time.Minute, Domain: conversa.ERATELIMIT,
		EN: "The Meta app reached its API call limit. Conversa will try again shortly.",
		PT: "O app da Meta atingiu o limite de chamadas à API. O Conversa tentará de novo em instantes."},
	{Code: 80007, Title: "Rate limit issues", Retryable: true, Backoff: time.Minute, Domain: conversa.ERATELIMIT,
		EN: "The WhatsApp account reached Meta's rate limit. Conversa will slow down and try again.",
		PT: "A conta do WhatsApp atingiu o limite de requisições da Meta. O Conversa vai desacelerar e tentar de novo."},
	{Code: CodeThroughput, Title: "Rate limit hit", Retryable: true, Backoff: time.Second, Domain: conversa.ERATELIMIT,
		EN: "This number is sending faster than its WhatsApp throughput allows. Conversa will slow down and try again.",
		PT: "Este número está enviando mais rápido do que o WhatsApp permite. O Conversa vai desacelerar e tentar de novo."},
	{Code: CodePairRateLimit, Title: "(Business Account, Consumer Account) pair rate limit hit", Retryable: true, Backoff: 6 * time.Second, Domain: conversa.ERATELIMIT,
		EN: "Too many messages to this customer in a short time. Wait a few seconds before sending to them again.",
		PT: "Muitas mensagens para este cliente em pouco tempo. Aguarde alguns segundos antes de enviar de novo."},
	{Code: 131048, Title: "Spam rate limit hit", Domain: conversa.ERATELIMIT,
		EN: "WhatsApp limited this number because many messages were blocked or reported as spam. Pause campaigns and check the quality rating in WhatsApp Manager.",
		PT: "O WhatsApp limitou este número porque muitas mensagens foram bloqueadas ou denunciadas como spam. Pause as campanhas e verifique a classificação de qualidade no Gerenciador do WhatsApp."},

	// Transient service errors.
	{Code: 1, Title: "API Unknown", Retryable: true, Backoff: 2 * time.Second, Domain: conversa.EUNAVAILABLE,
		EN: "Meta reported an unknown error. Conversa will try again.",
		PT: "A Meta informou um erro desconhecido. O Conversa tentará de novo."},
	{Code: 2, Title: "API Service", Retryable: true, Backoff: 5 * time.Second, Domain: conversa.EUNAVAILABLE,
		EN: "Meta's service is temporarily down or overloaded. Conversa will try again.",
		PT: "O serviço da Meta está temporariamente fora do ar ou sobrecarregado. O Conversa tentará de novo."},
	{Code: 131000, Title: "Something went wrong", Retryable: true, Backoff: 2 * time.Second, Domain: conversa.EUNAVAILABLE,
		EN: "WhatsApp failed for an unknown reason. Conversa will try again.",
		PT: "O WhatsApp falhou por um motivo desconhecido. O Conversa tentará de novo."},
	{Code: 131016, Title: "Service unavailable", Retryable: true, Backoff: 5 * time.Second, Domain: conversa.EUNAVAILABLE,
		EN: "WhatsApp is temporarily unavailable. Conversa will try again.",
		PT: "O WhatsApp está temporariamente indisponível. O Conversa tentará de novo."},
	{Code: 131057, Title: "Account in maintenance mode", Retryable: true, Backoff: time.Minute, Domain: conversa.EUNAVAILABLE,
		EN: "The WhatsApp account is in maintenance mode (for example, a throughput upgrade). Conversa will try again in a few minutes.",
		PT: "A conta do WhatsApp está em modo de manutenção (por exemplo, aumento de capacidade). O Conversa tentará de novo em alguns minutos."},

	// Bad input: a bug or a wrong value; don't retry unchanged.
	{Code: CodeInvalidParameter, Title: "Invalid parameter", Domain: conversa.EINVALID, ShowDetails: true,
		EN: "Meta rejected a parameter of the request. Check the values (phone number, ids, text) and try again.",
		PT: "A Meta recusou um parâmetro da requisição. Confira os valores (número, ids, texto) e tente de novo."},
	{Code: 131008, Title: "Required parameter is missing", Domain: conversa.EINVALID, ShowDetails: true,
		EN: "The request to WhatsApp is missing a required parameter.",
		PT: "Falta um parâmetro obrigatório na requisição ao WhatsApp."},
	{Code: 131009, Title: "Parameter value is not valid", Domain: conversa.EINVALID, ShowDetails: true,
		EN: "A value sent to WhatsApp is not valid (for example, the phone number). Check it and try again.",
		PT: "Um valor enviado ao WhatsApp não é válido (por exemplo, o número de telefone). Confira e tente de novo."},
	{Code: 131021, Title: "Recipient cannot be sender", Domain: conversa.EINVALID,
		EN: "The recipient is the channel's own number. Choose another recipient.",
		PT: "O destinatário é o próprio número do canal. Escolha outro destinatário."},
	{Code: 131051, Title: "Unsupported message type", Domain: conversa.EINVALID,
		EN: "WhatsApp does not support this type of message.",
		PT: "O WhatsApp não aceita este tipo de mensagem."},
	{Code: 131053, Title: "Media upload error", Domain: conversa.EINVALID,
		EN: "WhatsApp could not use the attached file. Check its type and size and attach it again.",
		PT: "O WhatsApp não conseguiu usar o arquivo anexado. Confira o tipo e o tamanho e anexe de novo."},

	// One recipient or one message.
	{Code: 131026, Title: "Message undeliverable", Domain: conversa.EUPSTREAM,
		EN: "WhatsApp could not deliver to this number: it may not be on WhatsApp, use an old app version or not have accepted the latest terms.",
		PT: "O WhatsApp não conseguiu entregar para este número: ele pode não ter WhatsApp, usar uma versão antiga do app ou não ter aceitado os termos mais recentes."},
	{Code: 131049, Title: "This message was not delivered to maintain healthy ecosystem engagement.", Domain: conversa.EUPSTREAM,
		EN: "Meta chose not to deliver this marketing message (per-customer marketing limit). Don't retry soon; try another time or channel.",
		PT: "A Meta optou por não entregar esta mensagem de marketing (limite de marketing por cliente). Não reenvie logo; tente mais tarde ou por outro canal."},
	{Code: 131050, Title: "User stopped marketing messages", Domain: conversa.EOPTEDOUT,
		EN: "The customer chose to stop receiving marketing messages from this business.",
		PT: "O cliente optou por não receber mensagens de marketing desta empresa."},
	{Code: 131052, Title: "Media download error", Domain: conversa.EUPSTREAM,
		EN: "WhatsApp could not download the file the customer sent. Ask them to send it again.",
		PT: "O WhatsApp não conseguiu baixar o arquivo que o cliente enviou. Peça para ele enviar de novo."},
	{Code: 130472, Title: "User's number is part of an experiment", Domain: conversa.EUPSTREAM,
		EN: "Meta held back this marketing message because the customer is part of a WhatsApp experiment.",
		PT: "A Meta reteve esta mensagem de marketing porque o cliente faz parte de um experimento do WhatsApp."},
	{Code: 130497, Title: "Business account is restricted from messaging users in this country", Domain: conversa.EUPSTREAM,
		EN: "This WhatsApp account may not message customers in this country.",
		PT: "Esta conta do WhatsApp não pode enviar mensagens a clientes deste país."},
	{Code: CodeReengagement, Title: "Re-engagement message", Domain: conversa.EWINDOWCLOSED,
		EN: "More than 24 hours have passed since the customer's last message. Send an approved template to restart the conversation.",
		PT: "Passaram-se mais de 24 horas desde a última mensagem do cliente. Envie um modelo (template) aprovado para retomar a conversa."},

	// Account and channel state.
	{Code: 131031, Title: "Business Account locked", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "Meta locked this WhatsApp account (policy or verification problem). See WhatsApp Manager and contact Meta support.",
		PT: "A Meta bloqueou esta conta do WhatsApp (problema de política ou verificação). Veja o Gerenciador do WhatsApp e fale com o suporte da Meta."},
	{Code: CodePayment, Title: "Business eligibility payment issue", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "No valid payment method on the WhatsApp account: add a credit card in USD in Meta Business Manager (Billing).",
		PT: "Não há forma de pagamento válida na conta do WhatsApp: adicione um cartão de crédito em USD no Gerenciador de Negócios da Meta (Cobrança)."},
	{Code: 131045, Title: "Incorrect certificate", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "The number's registration with WhatsApp is broken. Register the number again in the channel settings.",
		PT: "O registro do número no WhatsApp está com problema. Registre o número de novo nas configurações do canal."},
	{Code: CodeNotRegistered, Title: "Account not registered", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "This phone number is not registered on the WhatsApp Business Platform. Finish the number's verification and registration in the channel settings.",
		PT: "Este número não está registrado na Plataforma do WhatsApp Business. Conclua a verificação e o registro do número nas configurações do canal."},

	// Templates.
	{Code: 132000, Title: "Number of parameters does not match the expected number of params", Domain: conversa.ETEMPLATEPARAMS,
		EN: "The template's variables were not all filled in (or too many were given). Fill in every variable.",
		PT: "As variáveis do modelo não foram todas preenchidas (ou sobraram valores). Preencha todas as variáveis."},
	{Code: CodeTemplateMissing, Title: "Template name does not exist in the translation", Domain: conversa.ETEMPLATENOTAPPROVED,
		EN: "This template does not exist in this language or is not approved. Sync templates and pick an approved one.",
		PT: "Este modelo não existe neste idioma ou não está aprovado. Sincronize os modelos e escolha um aprovado."},
	{Code: 132005, Title: "Translated text too long", Domain: conversa.ETEMPLATEPARAMS,
		EN: "The template text with its variables filled in is too long. Shorten the values.",
		PT: "O texto do modelo com as variáveis preenchidas ficou longo demais. Encurte os valores."},
	{Code: 132007, Title: "Template format character policy violated", Domain: conversa.ETEMPLATEPARAMS,
		EN: "A variable value breaks WhatsApp's formatting rules (for example, line breaks, tabs or more than 4 spaces in a row). Adjust the values.",
		PT: "Um valor de variável viola as regras de formatação do WhatsApp (por exemplo, quebras de linha, tabulações ou mais de 4 espaços seguidos). Ajuste os valores."},
	{Code: 132012, Title: "Parameter format does not match format in the created template", Domain: conversa.ETEMPLATEPARAMS,
		EN: "A variable value has the wrong format for this template (for example, text where an image is expected). Check the values.",
		PT: "Um valor de variável está no formato errado para este modelo (por exemplo, texto onde se espera imagem). Confira os valores."},
	{Code: CodeTemplatePaused, Title: "Template is Paused", Domain: conversa.ETEMPLATENOTAPPROVED,
		EN: "Meta paused this template because of low quality. Use another template or wait until it is unpaused.",
		PT: "A Meta pausou este modelo por baixa qualidade. Use outro modelo ou aguarde a reativação."},
	{Code: CodeTemplateDisabled, Title: "Template is Disabled", Domain: conversa.ETEMPLATENOTAPPROVED,
		EN: "Meta disabled this template for good after repeated low quality. Create a new template.",
		PT: "A Meta desativou este modelo definitivamente após baixa qualidade repetida. Crie um novo modelo."},

	// Number verification and registration (onboarding).
	{Code: CodeInvalidParameter, Subcode: SubcodeNumberInUse, Title: "Phone number already in use", Domain: conversa.ECONFLICT,
		EN: "This number is still registered with another WhatsApp account or provider. Delete it there (WhatsApp app: Settings > Account > Delete account, or ask the other provider), then try again.",
		PT: "Este número ainda está registrado em outra conta do WhatsApp ou em outro provedor. Exclua-o lá (app WhatsApp: Configurações > Conta > Apagar conta, ou peça ao outro provedor) e tente de novo."},
	{Code: 2388012, Title: "Phone number already exists in your account", Domain: conversa.ECONFLICT,
		EN: "This number is already in this WhatsApp account. Pick it from the list instead of adding it again.",
		PT: "Este número já está nesta conta do WhatsApp. Escolha-o na lista em vez de adicioná-lo de novo."},
	{Code: 133000, Title: "Incomplete deregistration", Channel: true, Domain: conversa.EUPSTREAM,
		EN: "A previous deregistration of this number did not finish. Deregister it again, then register.",
		PT: "Um descadastramento anterior deste número não terminou. Descadastre de novo e depois registre."},
	{Code: 133004, Title: "Server temporarily unavailable", Retryable: true, Backoff: 5 * time.Second, Domain: conversa.EUNAVAILABLE,
		EN: "WhatsApp's registration service is temporarily unavailable. Try again in a moment.",
		PT: "O serviço de registro do WhatsApp está temporariamente indisponível. Tente de novo em instantes."},
	{Code: 133005, Title: "Two step verification PIN Mismatch", Domain: conversa.EINVALID,
		EN: "The two-step verification PIN is wrong. Type the number's current 6-digit PIN.",
		PT: "O PIN de verificação em duas etapas está errado. Digite o PIN atual de 6 dígitos do número."},
	{Code: 133006, Title: "Phone number re-verification needed", Domain: conversa.EUPSTREAM,
		EN: "The number must be verified again before registering. Request a new code by SMS or voice call.",
		PT: "O número precisa ser verificado de novo antes do registro. Peça um novo código por SMS ou ligação."},
	{Code: 133008, Title: "Too many two step verification PIN guesses", Domain: conversa.ERATELIMIT,
		EN: "Too many wrong PIN attempts for this number. Wait before trying again.",
		PT: "Tentativas demais de PIN errado para este número. Aguarde antes de tentar de novo."},
	{Code: 133009, Title: "Two step verification PIN guessed too fast", Domain: conversa.ERATELIMIT,
		EN: "PIN attempts were too fast. Wait a moment before trying again.",
		PT: "As tentativas de PIN foram rápidas demais. Aguarde um pouco antes de tentar de novo."},
	{Code: 133015, Title: "Please wait a few minutes before attempting to register this phone number", Domain: conversa.ERATELIMIT,
		EN: "This number was deleted recently. Wait a few minutes before registering it.",
		PT: "Este número foi excluído recentemente. Aguarde alguns minutos antes de registrá-lo."},
	{Code: 133016, Title: "Account register deregister rate limit exceeded", Domain: conversa.ERATELIMIT,
		EN: "Too many registration attempts for this number. Wait before trying again (Meta allows 10 in 72 hours).",
		PT: "Tentativas demais de registro para este número. Aguarde antes de tentar de novo (a Meta permite 10 em 72 horas)."},
	{Code: 136024, Title: "Request code error", Domain: conversa.ERATELIMIT,
		EN: "The verification code could not be requested. Wait before requesting another one, and make sure the number receives SMS or calls.",
		PT: "Não foi possível pedir o código de verificação. Aguarde antes de pedir outro e confira se o número recebe SMS ou ligações."},
	{Code: 136025, Title: "Verify code error", Domain: conversa.EINVALID,
		EN: "The verification code is wrong. Check the code and type it again.",
		PT: "O código de verificação está errado. Confira o código e digite de novo."},
	{Code: 2200, Title: "Callback verification failed", Domain: conversa.EUPSTREAM, ShowDetails: true,
		EN: "Meta could not verify the webhook URL. Check that it is public and answers the verification with the right verify token.",
		PT: "A Meta não conseguiu verificar a URL do webhook. Confira se ela é pública e responde à verificação com o verify token correto."},
})

func indexCatalog(list []CodeInfo) map[codeKey]CodeInfo {
	m := make(map[codeKey]CodeInfo, len(list))
	for _, c := range list {
		m[codeKey{c.Code, c.Subcode}] = c
	}
	return m
}

// lookup finds the most specific entry: (code, subcode), then code alone,
// then the 200–299 permission range.
func lookup(code, subcode int) (CodeInfo, bool) {
	if subcode != 0 {
		if c, ok := catalog[codeKey{code, subcode}]; ok {
			return c, true
		}
	}
	if c, ok := catalog[codeKey{code, 0}]; ok {
		return c, true
	}
	if code > codePermissionsRangeA && code <= codePermissionsRangeZ {
		return catalog[codeKey{codePermissionsRangeA, 0}], true
	}
	return CodeInfo{}, false
}

// Lookup returns the catalog entry for a Meta error code (and subcode), or a
// generic entry naming the code when Conversa does not know it.
func Lookup(code, subcode int) CodeInfo {
	if c, ok := lookup(code, subcode); ok {
		return c
	}
	return CodeInfo{Code: code, Subcode: subcode, Domain: conversa.EUPSTREAM,
		EN: "WhatsApp refused the request.",
		PT: "O WhatsApp recusou a requisição."}
}

// Codes lists every catalogued entry (for documentation and tests).
func Codes() []CodeInfo {
	out := make([]CodeInfo, 0, len(catalog))
	for _, c := range catalog {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b CodeInfo) int {
		return cmp.Or(cmp.Compare(a.Code, b.Code), cmp.Compare(a.Subcode, b.Subcode))
	})
	return out
}
