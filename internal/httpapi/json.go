package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// maxBody bounds request bodies; API payloads are small.
const maxBody = 1 << 20

// decode reads exactly one JSON object into dst, refusing unknown fields,
// wrong types, trailing data and bodies over maxBody with 400 "invalid".
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return badJSON(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return conversa.Errorf(conversa.EINVALID, "The body must hold a single JSON object.").
			Pt("O corpo deve conter um único objeto JSON.")
	}
	return nil
}

func badJSON(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	switch {
	case errors.Is(err, io.EOF):
		return conversa.Errorf(conversa.EINVALID, "The request body is empty; send a JSON object.").
			Pt("O corpo da requisição está vazio; envie um objeto JSON.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return conversa.Errorf(conversa.EINVALID, "The body is not valid JSON.").Pt("O corpo não é um JSON válido.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return conversa.Errorf(conversa.EINVALID, "The body must be a JSON object.").Pt("O corpo deve ser um objeto JSON.")
		}
		return conversa.Errorf(conversa.EINVALID, "Field %q must be of type %s.", field, typ.Type).
			Pt("O campo %q deve ser do tipo %s.", field, typ.Type)
	case errors.As(err, &tooBig):
		return conversa.Errorf(conversa.EINVALID, "The body is larger than %d bytes.", maxBody).
			Pt("O corpo é maior que %d bytes.", maxBody)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return conversa.Errorf(conversa.EINVALID, "Unknown field %s.", field).Pt("Campo desconhecido: %s.", field)
	}
	return conversa.Errorf(conversa.EINVALID, "The body could not be read as JSON.").Pt("Não foi possível ler o corpo como JSON.")
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"Internal error."}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pathID reads the {id} path value. A malformed id is "not found" like any
// id the caller's company doesn't own.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, conversa.Errorf(conversa.ENOTFOUND, "Not found.").Pt("Não encontrado.")
	}
	return id, nil
}

// required refuses empty strings in a decoded body; pairs are name, value.
func required(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.TrimSpace(pairs[i+1]) == "" {
			return conversa.Errorf(conversa.EINVALID, "Field %q is required.", pairs[i]).Pt("O campo %q é obrigatório.", pairs[i])
		}
	}
	return nil
}
