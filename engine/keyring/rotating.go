package keyring

// RotatingName is the item that keeps a copy of profile's previous key
// while rotate replaces it: from before the new key is created until the
// new key is stored, reads back, and works. An item left behind by a
// rotation that was killed shows in aws-vault list as credentials of that
// name, can be used like any stored key, and goes with aws-vault remove.
func RotatingName(profile string) string { return profile + " (rotating)" }

// KeepRotating stores a copy of profile's key under RotatingName.
func (k *Keyring) KeepRotating(profile string, c LongTerm) error {
	return k.SetCredentials(RotatingName(profile), c)
}

// Rotating reads the copy kept by KeepRotating (ErrNotFound: none).
func (k *Keyring) Rotating(profile string) (LongTerm, error) {
	return k.GetCredentials(RotatingName(profile))
}

// RemoveRotating removes the copy; a missing one is not an error.
func (k *Keyring) RemoveRotating(profile string) error {
	if err := k.Remove(RotatingName(profile)); err != nil && err != ErrNotFound {
		return err
	}
	return nil
}
