// Package collections reads, validates, resolves and edits sigscope
// collection files: YAML files of API requests with environments, auth
// profiles, defaults and folders (the format is described in
// docs/collections.md).
//
// Load, LoadBytes and LoadDir report every problem at once as Errors, each
// with file:line:col. A collection declares the process environment
// variables it reads (variables:, and the *_env fields of auth profiles);
// an undeclared {{env.NAME}} is an error, and names shaped like
// credentials (AWS keys, *SECRET*, *TOKEN*, *PASSWORD*) are read only by
// the *_env fields. Variables and Hosts list what a person confirms before
// a collection from a file is used. Resolve expands one request for
// sending: templates, defaults from folders and the collection, body bytes
// and effective auth.
// The edit methods (SetHeader, DeleteHeader, SetHeaders, SetQuery,
// SetMethod, SetAuthMode, SetURL, SetBody, AddRequest, RenameRequest,
// DuplicateRequest, DeleteRequest, AddFolder, RenameFolder, DeleteFolder)
// change only the text they must, so comments and layout survive;
// RequestSpec reads a request back as written, for an editor form. Save
// writes the file atomically; Dirty, ChangedOnDisk and Reload tell the UI
// whether there is something to save and whether the file changed under
// it.
//
// A Collection may serve concurrent Resolve calls; an edit or Save must
// not run at the same time as any other call on it.
//
// The package never reads secrets: profiles name the environment variables
// that hold them, and a literal secret in a file is refused.
package collections
