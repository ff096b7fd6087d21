package whatsapp

import (
	"errors"
	"fmt"

	"github.com/conversa/conversa/internal/conversa"
)

// ToConversa turns an error from this package into a domain error carrying
// the catalog's sentence in English and pt-BR, so the HTTP and UI layers show
// agents what happened and what to do. Meta's numeric code is appended for
// support. A *conversa.Error passes through; other errors become EINTERNAL.
//
// An expired Meta token maps to upstream_error, not unauthorized: the agent
// is logged in fine, it is the channel that needs reconnecting.
func ToConversa(err error) *conversa.Error {
	if err == nil {
		return nil
	}
	var ce *conversa.Error
	if errors.As(err, &ce) {
		return ce
	}
	if IsAmbiguous(err) {
		return conversa.Errorf(conversa.EUPSTREAM,
			"WhatsApp did not confirm whether the message was accepted. Conversa is checking its status; do not send it again yet.").
			Pt("O WhatsApp não confirmou se a mensagem foi aceita. O Conversa está verificando o status; não envie de novo ainda.")
	}
	var te *TransportError
	if errors.As(err, &te) {
		return conversa.Errorf(conversa.EUNAVAILABLE,
			"Could not reach WhatsApp (network failure or timeout). Try again in a moment.").
			Pt("Não foi possível falar com o WhatsApp (falha de rede ou tempo esgotado). Tente de novo em instantes.")
	}
	var e *Error
	if errors.As(err, &e) {
		return fromMetaError(e)
	}
	return conversa.Errorf(conversa.EINTERNAL, "Internal error.").Pt("Erro interno.")
}

func fromMetaError(e *Error) *conversa.Error {
	info, known := e.lookup()
	if !known && e.HTTPStatus >= 500 {
		info.Domain = conversa.EUNAVAILABLE
	}
	ref := metaRef(e)
	ce := conversa.Errorf(info.Domain, "%s%s", info.EN, ref).Pt("%s%s", info.PT, ref)
	if (!known || info.ShowDetails) && e.Details != "" {
		// Unknown or generic code: Meta's own explanation says more.
		ce.Message += " " + e.Details
		ce.PT += " " + e.Details
	}
	return ce
}

// metaRef is the " (Meta error 131042)" suffix agents can quote to support.
func metaRef(e *Error) string {
	switch {
	case e.bare || e.Code == 0:
		return fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	case e.Subcode != 0:
		return fmt.Sprintf(" (Meta %d/%d)", e.Code, e.Subcode)
	}
	return fmt.Sprintf(" (Meta %d)", e.Code)
}
