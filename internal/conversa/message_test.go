package conversa

import "testing"

func TestNextStatusIsOrderIndependent(t *testing.T) {
	tests := []struct {
		arrivals []MessageStatus
		want     MessageStatus
	}{
		{[]MessageStatus{StatusSent, StatusDelivered, StatusRead}, StatusRead},
		{[]MessageStatus{StatusRead, StatusDelivered, StatusSent}, StatusRead},
		{[]MessageStatus{StatusDelivered, StatusSent}, StatusDelivered},
		{[]MessageStatus{StatusSent, StatusFailed}, StatusFailed},
		{[]MessageStatus{StatusFailed, StatusSent}, StatusFailed},
		{[]MessageStatus{StatusRead, StatusRead}, StatusRead},
		{[]MessageStatus{StatusAccepted}, StatusAccepted},
	}
	for _, tt := range tests {
		got := StatusQueued
		for _, s := range tt.arrivals {
			got = NextStatus(got, s)
		}
		if got != tt.want {
			t.Errorf("%v -> %s, want %s", tt.arrivals, got, tt.want)
		}
	}
}
