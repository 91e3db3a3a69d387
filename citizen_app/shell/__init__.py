"""The app shell: the frame every page is drawn in (header, navigation, session notice, bell), composed from
the identity and notify packages. It sits above the pillars' state and below their pages."""
