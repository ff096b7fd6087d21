package conversa

// LicenceKind names a contracted resource.
type LicenceKind string

const (
	LicenceChannels LicenceKind = "channels"
	LicenceAgents   LicenceKind = "agents"
)

// LicenceUsage is what a company uses against what it contracted.
type LicenceUsage struct {
	Channels, MaxChannels int
	Agents, MaxAgents     int
}

// CountsAsAgent says which users consume an agent seat: active users whose
// role is agent. Admins and supervisors set up and watch the operation and
// do not take a seat, so a company contracted for "1 agent" can still have
// its admin; a supervisor who answers conversations is made an agent.
func CountsAsAgent(u User) bool { return u.Active && u.Role == RoleAgent }

// CheckLicence refuses adding one more resource of kind when used already
// reaches max. It is the single rule for channels and agents alike.
func CheckLicence(kind LicenceKind, used, max int) error {
	if used < max {
		return nil
	}
	switch kind {
	case LicenceChannels:
		return Errorf(ELICENCE, "Your licence allows %d channel(s) and all are in use. Remove a channel or contract more to add another.", max).
			Pt("Sua licença permite %d canal(is) e todos estão em uso. Remova um canal ou contrate mais para adicionar outro.", max)
	default:
		return Errorf(ELICENCE, "Your licence allows %d active agent(s) and all are in use. Deactivate an agent or contract more to add another.", max).
			Pt("Sua licença permite %d agente(s) ativo(s) e todos estão em uso. Desative um agente ou contrate mais para adicionar outro.", max)
	}
}
