package importer

// pmEnvironments builds the environments: one per Postman environment
// file, each completed by the collection's variables (and folder
// variables) it does not set; with no environment file, one named
// "default" holding the collection's variables. It runs after the
// requests were read, so that variables used as credentials are known.
func (k *kitConv) pmEnvironments(col *pmCollection, envs []pmEnvironment) {
	shared := append(append([]pmVar(nil), col.Variable...), k.folderVars...)
	if len(envs) == 0 {
		if len(shared) == 0 {
			return
		}
		envs = []pmEnvironment{{Name: "default"}}
	}
	for _, pe := range envs {
		name := pe.Name
		if name == "" {
			name = "imported"
		}
		e := k.c.Environment(name)
		set := map[string]bool{}
		for _, v := range pe.Values {
			if v.Enabled != nil && !*v.Enabled || v.Disabled {
				k.c.Note("environment "+name, "the variable %s was disabled in %s: left out", v.Key, k.tool)
				continue
			}
			if v.Key == "" {
				continue
			}
			set[v.Key] = true
			k.envVar(e, v.Key, pmText(v.Value), v.Type == "secret")
		}
		for _, v := range shared {
			if v.Disabled || v.Key == "" || set[v.Key] {
				if v.Disabled {
					k.noteOnce("cvar-off"+v.Key, "collection variable "+v.Key, "disabled in %s: left out", k.tool)
				}
				continue
			}
			set[v.Key] = true
			k.envVar(e, v.Key, pmText(v.Value), v.Type == "secret")
		}
	}
	if len(k.c.Environments) == 1 {
		k.c.DefaultEnvironment = k.c.Environments[0].Name
	}
}
