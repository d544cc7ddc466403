package setupscript

import (
	"fmt"

	"github.com/mailoauth/mailoauth-tester/core/cloud"
)

// envNames are a cloud's environment names for the two PowerShell modules.
//
// They belong in core/cloud (fields such as GraphEnvironment and
// ExchangeEnvironment); until that package has them they live here, keyed
// by the cloud's stable name.
type envNames struct {
	Label string // short name for script text
	Graph string // Connect-MgGraph -Environment (Get-MgEnvironment names)
	// Exchange is Connect-ExchangeOnline -ExchangeEnvironmentName; empty
	// for Worldwide, where Microsoft asks to leave the parameter out
	// (its default, O365Default, is right).
	Exchange string
}

// envByCloud comes from the Connect-MgGraph reference (Get-MgEnvironment
// lists Global, USGov, USGovDoD, China) and the Connect-ExchangeOnline
// reference (-ExchangeEnvironmentName O365USGovGCCHigh, O365USGovDoD,
// O365China; none for Microsoft 365 and GCC).
var envByCloud = map[string]envNames{
	cloud.Global.Name:   {Label: "Worldwide", Graph: "Global"},
	cloud.USGov.Name:    {Label: "US Government GCC High", Graph: "USGov", Exchange: "O365USGovGCCHigh"},
	cloud.USGovDoD.Name: {Label: "US Government DoD", Graph: "USGovDoD", Exchange: "O365USGovDoD"},
	cloud.China.Name:    {Label: "China, operated by 21Vianet", Graph: "China", Exchange: "O365China"},
}

func environment(c cloud.Cloud) (envNames, error) {
	e, ok := envByCloud[c.Name]
	if !ok {
		return envNames{}, fmt.Errorf("no PowerShell environment names are known for cloud %q", c.Name)
	}
	return e, nil
}
