package metasim

// Number verification and registration: request_code, verify_code,
// register, deregister. Codes are six random digits, readable through the
// control API (GET /_sim/codes/{phone-number-id}) and the phone page, as if
// they had arrived by SMS or call.

// maxCodeRequests is when request_code starts refusing (136024).
const maxCodeRequests = 10

func (s *Sim) handleRequestCode(c *graphCall) {
	var req struct {
		CodeMethod string `json:"code_method"`
		Language   string `json:"language"`
	}
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	if req.CodeMethod != "SMS" && req.CodeMethod != "VOICE" {
		s.writeMetaError(c.w, metaErr(100, "Param code_method must be one of {SMS, VOICE} - got \""+req.CodeMethod+"\"."))
		return
	}
	if req.Language == "" {
		s.writeMetaError(c.w, missing("language"))
		return
	}
	p := s.phoneByID(c.id)
	if s.otherProviderNumber(p.display()) {
		s.writeMetaError(c.w, metaErr(2388001, ""))
		return
	}
	p.mu.Lock()
	if p.CodeRequests >= maxCodeRequests {
		p.mu.Unlock()
		s.writeMetaError(c.w, metaErr(136024, ""))
		return
	}
	p.CodeRequests++
	p.Code, p.CodeMethod = sixDigits(), req.CodeMethod
	p.mu.Unlock()
	success(c.w)
}

func (s *Sim) handleVerifyCode(c *graphCall) {
	var req struct {
		Code string `json:"code"`
	}
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	p := s.phoneByID(c.id)
	p.mu.Lock()
	ok := p.Code != "" && req.Code == p.Code
	if ok {
		p.CodeStatus, p.Code = "VERIFIED", ""
	} else {
		p.FailedAttempts++
	}
	p.mu.Unlock()
	if !ok {
		s.writeMetaError(c.w, metaErr(136025, ""))
		return
	}
	success(c.w)
}

func (s *Sim) handleRegister(c *graphCall) {
	var req struct {
		MessagingProduct string `json:"messaging_product"`
		PIN              string `json:"pin"`
	}
	if e := readParams(c.r, &req); e != nil {
		s.writeMetaError(c.w, e)
		return
	}
	if len(req.PIN) != 6 || digitsOnly(req.PIN) != req.PIN {
		s.writeMetaError(c.w, metaErr(100, "Param pin must be a 6-digit number."))
		return
	}
	p := s.phoneByID(c.id)
	if s.otherProviderNumber(p.display()) {
		s.writeMetaError(c.w, metaErr(2388001, ""))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.CodeStatus != "VERIFIED":
		s.writeMetaError(c.w, metaErr(133006, ""))
	case p.PIN != "" && p.PIN != req.PIN:
		s.writeMetaError(c.w, metaErr(133005, ""))
	default:
		p.Registered, p.PIN = true, req.PIN
		success(c.w)
	}
}

func (s *Sim) handleDeregister(c *graphCall) {
	p := s.phoneByID(c.id)
	p.mu.Lock()
	p.Registered = false
	p.mu.Unlock()
	success(c.w)
}
