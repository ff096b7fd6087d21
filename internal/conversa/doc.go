// Package conversa holds the domain: types, rules and error codes shared by
// every other package. It imports no other internal package, no driver and
// no net/http, so the rules here can be read and tested on their own.
package conversa
