package conversa

import "testing"

func TestRoleAtLeast(t *testing.T) {
	tests := []struct {
		r, min Role
		want   bool
	}{
		{RoleAdmin, RoleAgent, true},
		{RoleAdmin, RoleAdmin, true},
		{RoleSupervisor, RoleAdmin, false},
		{RoleSupervisor, RoleSupervisor, true},
		{RoleAgent, RoleSupervisor, false},
		{Role("root"), RoleAgent, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtLeast(tt.min); got != tt.want {
			t.Errorf("%s.AtLeast(%s) = %v, want %v", tt.r, tt.min, got, tt.want)
		}
	}
}

func TestCheckLicence(t *testing.T) {
	tests := []struct {
		kind      LicenceKind
		used, max int
		wantErr   bool
	}{
		{LicenceAgents, 0, 1, false},
		{LicenceAgents, 1, 1, true},
		{LicenceAgents, 2, 1, true}, // over already (licence lowered)
		{LicenceChannels, 2, 3, false},
		{LicenceChannels, 0, 0, true},
	}
	for _, tt := range tests {
		err := CheckLicence(tt.kind, tt.used, tt.max)
		if (err != nil) != tt.wantErr {
			t.Fatalf("CheckLicence(%s, %d, %d) = %v", tt.kind, tt.used, tt.max, err)
		}
		if err != nil && (ErrorCode(err) != ELICENCE || ErrorMessage(err, "pt-BR") == ErrorMessage(err, "en")) {
			t.Errorf("want licence_exceeded in two languages, got %v / %q", err, ErrorMessage(err, "pt-BR"))
		}
	}
}

func TestValidate(t *testing.T) {
	c := Company{Domain: " MinhaEmpresa ", Name: " X "}
	if err := c.Validate(); err != nil || c.Domain != "minhaempresa" || c.Locale != "pt-BR" {
		t.Fatalf("company: %v %+v", err, c)
	}
	for _, d := range []string{"", "a b", "-x", "x_y", "ção"} {
		c := Company{Domain: d, Name: "n"}
		if ErrorCode(c.Validate()) != EINVALID {
			t.Errorf("domain %q accepted", d)
		}
	}
	u := User{Email: " Ana@Example.COM ", Name: "Ana", Role: RoleAgent}
	if err := u.Validate(); err != nil || u.Email != "ana@example.com" {
		t.Fatalf("user: %v %+v", err, u)
	}
	for _, e := range []string{"", "ana", "Ana <ana@x.com>"} {
		u := User{Email: e, Name: "n", Role: RoleAgent}
		if ErrorCode(u.Validate()) != EINVALID {
			t.Errorf("email %q accepted", e)
		}
	}
	if ErrorCode(ValidatePassword("short")) != EINVALID || ValidatePassword("long enough") != nil {
		t.Error("ValidatePassword")
	}
}
